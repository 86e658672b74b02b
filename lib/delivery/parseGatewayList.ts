export interface IGatewayList {
  /** Usable gateway base URLs, in order, without a trailing slash. */
  urls: string[];
  /** 1-based numbers of the lines that are not plain http(s) URLs (the text itself is not echoed: it may hold credentials). */
  invalidLines: number[];
}

/** Reads `Push_gateway`: one gateway per line (blank lines ignored), tried in order. */
export function parseGatewayList(text: string): IGatewayList {
  const urls: string[] = [];
  const invalidLines: number[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    const url = parseHttpUrl(line);
    if (url && url.search === '' && url.hash === '' && url.username === '' && url.password === '') {
      urls.push(line.replace(/\/+$/, ''));
    } else invalidLines.push(i + 1);
  }
  return { urls, invalidLines };
}

/** An http: or https: URL, or undefined. */
export function parseHttpUrl(text: string): URL | undefined {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}
