// Starts the pinned unleash-server for rampart's integration tests and benchmarks.
// Configuration comes from the environment (DATABASE_URL, HTTP_HOST, HTTP_PORT, INIT_ADMIN_API_TOKENS,
// INIT_BACKEND_API_TOKENS, ...). This machine reaches no network but the package registries, so the
// version check and telemetry are off unless the caller turns them on.
process.env.TZ ??= 'UTC';
process.env.CHECK_VERSION ??= 'false';
process.env.SEND_TELEMETRY ??= 'false';
process.env.LOG_LEVEL ??= 'warn';
process.env.HTTP_HOST ??= '127.0.0.1';

const { start } = await import('unleash-server');

try {
  await start();
} catch (error) {
  console.error(error);
  process.exit(1);
}
