import type pg from 'pg';

export interface PostgresLocation {
  /** postgres://user@host:port/db (a password in the URL also works, but keep it out of files). */
  url: string;
  /** From store.passwordEnv / passwordFile; wins over a password in the URL. */
  password?: string;
}

/** pg client settings for `location`; the password goes in the URL so pg's URL parsing keeps it. */
export function postgresClientConfig(location: PostgresLocation): pg.ClientConfig {
  let connectionString = location.url;
  if (location.password !== undefined) {
    const url = new URL(location.url);
    url.password = encodeURIComponent(location.password);
    connectionString = url.toString();
  }
  return { connectionString, connectionTimeoutMillis: 5_000, application_name: 'rampart' };
}
