/** A signed-in (or not) staff browser over plain HTTP: a cookie jar, the page's CSRF token, no redirects followed. */
export class ConsoleClient {
  readonly cookies = new Map<string, string>();
  csrf = '';

  constructor(readonly baseUrl: string) {}

  async get(path: string): Promise<{ status: number; headers: Headers; text: string }> {
    return this.send(path, { method: 'GET' });
  }

  /** Posts a form; `_csrf` is the last page's token unless the form names its own (or `null` to leave it out). */
  async post(
    path: string,
    form: Record<string, string | string[] | null> = {},
  ): Promise<{ status: number; headers: Headers; text: string }> {
    const body = new URLSearchParams();
    const fields = { _csrf: this.csrf, ...form };
    for (const [name, value] of Object.entries(fields)) {
      if (value === null) continue;
      for (const one of Array.isArray(value) ? value : [value]) body.append(name, one);
    }
    return this.send(path, {
      method: 'POST',
      body: body.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  }

  /** Posts a multipart form with files (`_csrf` as for `post`). */
  async upload(
    path: string,
    form: Record<string, string>,
    files: { field: string; name: string; type: string; data: Buffer }[],
  ): Promise<{ status: number; headers: Headers; text: string }> {
    const body = new FormData();
    for (const [name, value] of Object.entries({ _csrf: this.csrf, ...form })) body.append(name, value);
    for (const file of files) body.append(file.field, new Blob([file.data], { type: file.type }), file.name);
    return this.send(path, { method: 'POST', body });
  }

  async signIn(
    email: string,
    password: string,
    next?: string,
  ): Promise<{ status: number; location: string | null }> {
    await this.get(`/console/login${next ? `?next=${encodeURIComponent(next)}` : ''}`);
    const response = await this.post('/console/login', { email, password, ...(next ? { next } : {}) });
    return { status: response.status, location: response.headers.get('location') };
  }

  private async send(
    path: string,
    init: RequestInit,
  ): Promise<{ status: number; headers: Headers; text: string }> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      ...init,
      redirect: 'manual',
      headers: {
        ...(init.headers as Record<string, string>),
        cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      },
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0/i.test(a)) || value === '';
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await response.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(text);
    if (token) this.csrf = token[1]!;
    return { status: response.status, headers: response.headers, text };
  }
}
