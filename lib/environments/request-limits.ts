/** Limits the request form shows before it loads its validation (which carries zod), and the schema enforces. */
export const PURPOSE_MAX = 1000;
