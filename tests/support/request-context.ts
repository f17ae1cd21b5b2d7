// The "current request" seen by server actions under test: who is signed in, and the cookies they carry.
type CookieStore = {
  get: (name: string) => { name: string; value: string } | undefined;
  getAll: () => { name: string; value: string }[];
  has: (name: string) => boolean;
  set: (...args: unknown[]) => void;
  delete: (name: string) => void;
};

let cookieHeader = "";
let extraHeaders: Record<string, string> = {};

export const requestContext = {
  headers(): Headers {
    const h = new Headers({ origin: "http://localhost:3000", host: "localhost:3000" });
    if (cookieHeader) h.set("cookie", cookieHeader);
    for (const [name, value] of Object.entries(extraHeaders)) h.set(name, value);
    return h;
  },
  cookies(): CookieStore {
    const pairs = cookieHeader
      .split(/;\s*/)
      .filter(Boolean)
      .map((p) => {
        const i = p.indexOf("=");
        return { name: p.slice(0, i), value: p.slice(i + 1) };
      });
    return {
      get: (name) => pairs.find((p) => p.name === name),
      getAll: () => pairs,
      has: (name) => pairs.some((p) => p.name === name),
      set: () => {},
      delete: () => {},
    };
  },
  setCookieHeader(value: string) {
    cookieHeader = value;
  },
  /** Further request headers the client sends (e.g. x-correlation-id); an empty object clears them. */
  setHeaders(headers: Record<string, string>) {
    extraHeaders = headers;
  },
};
