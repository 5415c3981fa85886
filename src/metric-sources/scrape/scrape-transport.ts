import axios, { type AxiosInstance } from 'axios';

/** Fetches the exposition text of one target. */
export interface ScrapeTransport {
  /** GETs `url` and resolves with the body; rejects on a non-2xx answer or a network error. */
  fetch(url: string, signal: AbortSignal): Promise<string>;
}

/** The real transport over axios; asks for the classic text format, which the parser understands. */
export class AxiosScrapeTransport implements ScrapeTransport {
  constructor(private readonly http: AxiosInstance = axios.create()) {}

  async fetch(url: string, signal: AbortSignal): Promise<string> {
    const res = await this.http.get<string>(url, {
      signal,
      responseType: 'text',
      transformResponse: (d: unknown) => d,
      headers: { Accept: 'text/plain;version=0.0.4' },
      maxRedirects: 0,
    });
    return res.data;
  }
}

/** A short, credential-free description of a failed scrape for the status page. */
export function describeScrapeError(error: unknown): string {
  if (axios.isAxiosError(error)) {
    if (error.response) return `HTTP ${error.response.status}`;
    return error.code ?? error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
