import { groupId } from "./resources.js";

export const SERVER_TYPE = "Microsoft.DBforPostgreSQL/flexibleServers";
export const DATABASE_TYPE = `${SERVER_TYPE}/databases`;
export const BACKUP_TYPE = `${SERVER_TYPE}/backups`;

export const serverId = (sub: string, group: string, name: string) => `${groupId(sub, group)}/providers/${SERVER_TYPE}/${name}`;
