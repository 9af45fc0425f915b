import net from "node:net";

export type ReceivedMail = {
  at: number;
  from: string;
  to: string[];
  /** The AUTH PLAIN credentials the client sent, if it authenticated. */
  auth?: { username: string; password: string };
  headers: Record<string, string>;
  /** The text/plain part, quoted-printable decoded. */
  text: string;
};

export type SmtpSink = {
  host: string;
  port: number;
  received(): readonly ReceivedMail[];
  close(): Promise<void>;
};

function decodeQuotedPrintable(text: string): string {
  const bytes = text
    .replace(/=\r?\n/g, "")
    .replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, "latin1").toString("utf8");
}

/** Headers (unfolded, names lower-cased) and the text/plain part of a MIME message. */
function parseMessage(raw: string): { headers: Record<string, string>; text: string } {
  const [head = "", ...rest] = raw.split(/\r?\n\r?\n/);
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, " ").split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const body = rest.join("\r\n\r\n");
  const boundary = /boundary="?([^";]+)"?/.exec(headers["content-type"] ?? "")?.[1];
  const parts = boundary ? body.split(`--${boundary}`) : [`\r\n\r\n${body}`];
  for (const part of parts) {
    const [partHead = "", ...partBody] = part.replace(/^\r?\n/, "").split(/\r?\n\r?\n/);
    if (!/content-type:\s*text\/plain/i.test(partHead) && boundary) continue;
    const content = partBody.join("\r\n\r\n");
    const text = /quoted-printable/i.test(partHead) ? decodeQuotedPrintable(content) : content;
    return { headers, text: text.trim() };
  }
  return { headers, text: "" };
}

/**
 * A minimal SMTP server that accepts every message (EHLO, AUTH PLAIN, MAIL, RCPT, DATA), standing
 * in for the mail provider of Alertmanager's e-mail receiver. No TLS: configure the client with
 * require_tls false; Go's client sends PLAIN credentials unencrypted only to 127.0.0.1/localhost.
 */
export async function startSmtpSink(): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    let buffer = "";
    let inData = false;
    let mail: { from: string; to: string[] } = { from: "", to: [] };
    let auth: ReceivedMail["auth"];
    const reply = (line: string) => socket.write(`${line}\r\n`);
    reply("220 sink.test ESMTP");

    socket.on("data", (chunk: Buffer) => {
      buffer += chunk.toString("latin1");
      for (;;) {
        if (inData) {
          const end = buffer.indexOf("\r\n.\r\n");
          if (end < 0) return;
          const raw = buffer.slice(0, end).replace(/^\.\./gm, ".");
          buffer = buffer.slice(end + 5);
          inData = false;
          received.push({ at: Date.now(), ...mail, auth, ...parseMessage(raw) });
          mail = { from: "", to: [] };
          reply("250 2.0.0 queued");
          continue;
        }
        const eol = buffer.indexOf("\r\n");
        if (eol < 0) return;
        const line = buffer.slice(0, eol);
        buffer = buffer.slice(eol + 2);
        const verb = line.split(" ")[0]?.toUpperCase() ?? "";
        if (verb === "EHLO") socket.write("250-sink.test\r\n250-AUTH PLAIN\r\n250 8BITMIME\r\n");
        else if (verb === "HELO") reply("250 sink.test");
        else if (verb === "AUTH") {
          const [, mechanism, initial] = line.split(" ");
          if (mechanism?.toUpperCase() !== "PLAIN" || !initial) {
            reply("504 5.5.4 only AUTH PLAIN with an initial response");
            continue;
          }
          const [, username = "", password = ""] = Buffer.from(initial, "base64")
            .toString("utf8")
            .split("\0");
          auth = { username, password };
          reply("235 2.7.0 authenticated");
        } else if (verb === "MAIL") {
          mail.from = /<([^>]*)>/.exec(line)?.[1] ?? "";
          reply("250 2.1.0 ok");
        } else if (verb === "RCPT") {
          mail.to.push(/<([^>]*)>/.exec(line)?.[1] ?? "");
          reply("250 2.1.5 ok");
        } else if (verb === "DATA") {
          inData = true;
          reply("354 end with <CRLF>.<CRLF>");
        } else if (verb === "RSET" || verb === "NOOP") reply("250 2.0.0 ok");
        else if (verb === "QUIT") {
          reply("221 2.0.0 bye");
          socket.end();
        } else reply("502 5.5.2 not implemented");
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  return {
    host: "127.0.0.1",
    port,
    received: () => received,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
