import { Badge } from "@/components/ui/badge";
import { STATUS_DISPLAY, type StatusName } from "@/lib/environments/status";

export function StatusBadge({ status }: { status: StatusName }) {
  const { label, tone } = STATUS_DISPLAY[status];
  return <Badge tone={tone}>{label}</Badge>;
}
