// Which senders may call the lab API: only the webContents of our own windows, showing our own renderer.
import type { IpcContext } from './handlers';

export class SenderPolicy {
  private readonly ids = new Set<number>();

  /** @param isAppUrl true for the URL of the app's renderer (file:// of the bundle, or the dev server). */
  constructor(private readonly isAppUrl: (url: string) => boolean) {}

  allow(webContentsId: number): void {
    this.ids.add(webContentsId);
  }
  forget(webContentsId: number): void {
    this.ids.delete(webContentsId);
  }

  /** Null when the sender is trusted, else why not. */
  check(ctx: IpcContext): string | null {
    if (!this.ids.has(ctx.senderId)) return `unknown sender ${ctx.senderId}`;
    if (!this.isAppUrl(ctx.senderUrl)) return `sender ${ctx.senderId} shows a foreign page (${ctx.senderUrl.slice(0, 200)})`;
    return null;
  }
}

/** The renderer URLs of the app: the bundled index.html, or the electron-vite dev server. */
export function appUrlMatcher(rendererFile: string, devServer: string | undefined): (url: string) => boolean {
  const fileUrl = new URL(`file://${rendererFile}`).href;
  return (url) => {
    if (url.split('#')[0] === fileUrl) return true;
    if (!devServer) return false;
    try {
      return new URL(url).origin === new URL(devServer).origin;
    } catch {
      return false;
    }
  };
}
