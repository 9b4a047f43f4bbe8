/**
 * helm-controller's LogBuffer: the last ten lines Helm logged during an action, a line repeated in a
 * row kept once with its last time and a count ("(3 duplicate lines omitted)"). A failure's Warning
 * event carries them after "Last Helm logs:"; that is where the waiter says what was not ready.
 */
export class HelmLog {
  private readonly lines: { first: string; last: string; message: string; count: number }[] = [];

  constructor(private readonly size = 10) {}

  log(message: string) {
    const now = new Date().toISOString().replace("Z", "000000Z");
    const previous = this.lines[this.lines.length - 1];
    if (previous && previous.message === message) {
      previous.count++;
      previous.last = now;
      return;
    }
    this.lines.push({ first: now, last: now, message, count: 0 });
    if (this.lines.length > this.size) this.lines.shift();
  }

  toString(): string {
    return this.lines
      .map((l) => {
        let text = `${l.first}: ${l.message}`;
        if (l.count > 0) text += `\n${l.last}: ${l.message}`;
        if (l.count - 1 > 0) text += ` (${l.count - 1} duplicate line${l.count - 1 > 1 ? "s" : ""} omitted)`;
        return text;
      })
      .join("\n");
  }

  /** helm-controller's eventMessageWithLog. */
  withMessage(message: string): string {
    return this.lines.length > 0 ? `${message}\n\nLast Helm logs:\n\n${this.toString()}` : message;
  }
}
