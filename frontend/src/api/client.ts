// fetch for the builder API: the session cookie, the CSRF header, and errors as readable sentences.
import { boot } from "../boot";
import type { ApiErrorBody, Problem } from "./types";

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly problems: Problem[];
  readonly fields: Record<string, unknown> | undefined;

  constructor(status: number, code: string, message: string, problems: Problem[] = [], fields?: Record<string, unknown>) {
    super(message);
    this.status = status;
    this.code = code;
    this.problems = problems;
    this.fields = fields;
  }
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  keepalive?: boolean;
  signal?: AbortSignal;
}

function csrfToken(): string {
  const cookie = document.cookie.split("; ").find((c) => c.startsWith("csrftoken="));
  return cookie ? decodeURIComponent(cookie.slice("csrftoken=".length)) : boot().csrfToken;
}

/** The response, or an ApiError with the server's message (or a sentence saying what went wrong). */
export async function request(path: string, options: RequestOptions = {}): Promise<Response> {
  const method = options.method ?? "GET";
  const headers: Record<string, string> = { Accept: "application/json", ...options.headers };
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && method !== "HEAD") headers["X-CSRFToken"] = csrfToken();
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: "same-origin",
      keepalive: options.keepalive,
      signal: options.signal,
    });
  } catch (exc) {
    if (exc instanceof DOMException && exc.name === "AbortError") throw exc;
    throw new ApiError(0, "network", "The server did not answer. Check your connection and try again.");
  }
  if (!response.ok) throw await errorFrom(response);
  return response;
}

async function errorFrom(response: Response): Promise<ApiError> {
  let body: Partial<ApiErrorBody> | null = null;
  try {
    body = (await response.json()) as Partial<ApiErrorBody>;
  } catch {
    body = null;
  }
  const detail = body?.error;
  if (response.status === 401) {
    // The session ended (or the login was in another browser): edits stay here and saving retries meanwhile.
    return new ApiError(401, detail?.code ?? "not_authenticated", "You are logged out. Log in again at /login/ in another tab; your changes here are kept and saved once you are back.");
  }
  if (detail?.message) {
    return new ApiError(response.status, detail.code, detail.message, detail.problems ?? [], detail.fields);
  }
  if (response.status === 401 || response.status === 403) {
    return new ApiError(response.status, "forbidden", "Your session has ended or you may not edit flows. Log in again.");
  }
  if (response.status === 404) return new ApiError(404, "not_found", "Not found: it may have been deleted.");
  return new ApiError(response.status, "server_error", `The server answered with an error (${response.status}).`);
}

export async function getJson<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await request(path, options);
  return (await response.json()) as T;
}

export async function sendJson<T>(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
  const response = await request(path, { ...options, method, body });
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

export function errorMessage(exc: unknown): string {
  if (exc instanceof Error) return exc.message;
  return String(exc);
}
