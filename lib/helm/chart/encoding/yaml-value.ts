/**
 * What yaml.v2 decodes into an interface{}: nil, bool, string, int/uint (kept exact as bigint),
 * float64 (number) and map[interface{}]interface{} with keys of any scalar type, in the order they
 * were set (a Go map has none; consumers sort).
 */
export type YamlValue = null | boolean | string | number | bigint | YamlValue[] | YamlMap;

export class YamlMap {
  readonly entries: [YamlValue, YamlValue][] = [];

  /** Go's map assignment: an equal key (same type and value) is replaced. */
  set(key: YamlValue, value: YamlValue): void {
    const i = this.entries.findIndex(([k]) => sameKey(k, key));
    if (i >= 0) this.entries[i] = [key, value];
    else this.entries.push([key, value]);
  }

  get(key: YamlValue): YamlValue | undefined {
    return this.entries.find(([k]) => sameKey(k, key))?.[1];
  }
}

function sameKey(a: YamlValue, b: YamlValue): boolean {
  return typeof a === typeof b && a === b;
}
