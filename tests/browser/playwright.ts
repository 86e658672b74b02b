/**
 * The part of playwright-core's API these tests use, typed here. Why not `import from 'playwright-core'`: its
 * declarations need the DOM lib, which this Node project's tsconfig (lib ES2022, skipLibCheck off) does not load,
 * and adding it would put `document` & co. in every server file's scope. `require` keeps its types out.
 */

export interface Browser {
  newPage(options?: { viewport?: { width: number; height: number } }): Promise<Page>;
  close(): Promise<void>;
}

export interface ConsoleMessage {
  type(): string;
  text(): string;
}

type Role = 'button' | 'heading' | 'link' | 'textbox' | 'radio' | 'checkbox' | 'row' | 'table';
type FilePayload = { name: string; mimeType: string; buffer: Buffer };

export interface Locator {
  click(): Promise<void>;
  check(): Promise<void>;
  fill(value: string): Promise<void>;
  setInputFiles(files: FilePayload | FilePayload[]): Promise<void>;
  waitFor(options?: { state?: 'attached' | 'detached' | 'visible' | 'hidden'; timeout?: number }): Promise<void>;
  isHidden(): Promise<boolean>;
  inputValue(): Promise<string>;
  textContent(): Promise<string | null>;
  getAttribute(name: string): Promise<string | null>;
  count(): Promise<number>;
  filter(options: { hasText?: string | RegExp }): Locator;
  first(): Locator;
  last(): Locator;
  locator(selector: string): Locator;
  getByRole(role: Role, options?: { name?: string | RegExp; exact?: boolean }): Locator;
  getByText(text: string | RegExp, options?: { exact?: boolean }): Locator;
  screenshot(options: { path: string }): Promise<Buffer>;
}

export interface Page {
  goto(url: string): Promise<unknown>;
  title(): Promise<string>;
  url(): string;
  content(): Promise<string>;
  setDefaultTimeout(ms: number): void;
  on(event: 'pageerror', listener: (error: Error) => void): void;
  on(event: 'console', listener: (message: ConsoleMessage) => void): void;
  locator(selector: string): Locator;
  getByLabel(text: string | RegExp, options?: { exact?: boolean }): Locator;
  getByRole(role: Role, options?: { name?: string | RegExp; exact?: boolean }): Locator;
  screenshot(options: { path: string; fullPage?: boolean }): Promise<Buffer>;
}

export interface BrowserType {
  launch(options: { executablePath: string; headless: boolean; args: string[] }): Promise<Browser>;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const chromium = (require('playwright-core') as { chromium: BrowserType }).chromium;
