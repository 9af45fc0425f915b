import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startSmtpSink, type SmtpSink } from "./smtp-sink";

/** Runs an SMTP conversation: sends each command after the reply to the previous one arrived. */
async function converse(port: number, commands: string[]): Promise<string[]> {
  const socket = net.connect(port, "127.0.0.1");
  const replies: string[] = [];
  let pending = "";
  let next = 0;
  await new Promise<void>((resolve, reject) => {
    socket.on("error", reject);
    socket.on("close", () => resolve());
    socket.on("data", (chunk: Buffer) => {
      pending += chunk.toString();
      // A reply is complete at a line whose code is followed by a space (not a `250-` continuation).
      while (/^\d{3} .*\r\n/m.test(pending)) {
        const end = pending.search(/^\d{3} .*\r\n/m);
        const line = /^\d{3} .*\r\n/m.exec(pending.slice(end))![0];
        replies.push(pending.slice(0, end + line.length).trim());
        pending = pending.slice(end + line.length);
        const command = commands[next++];
        if (command === undefined) socket.end();
        else socket.write(command);
      }
    });
  });
  return replies;
}

describe("the SMTP sink of the alerting system test", () => {
  let sink: SmtpSink | undefined;
  afterEach(async () => {
    await sink?.close();
  });

  it("records sender, recipients, PLAIN credentials, headers and the decoded text part", async () => {
    sink = await startSmtpSink();
    const message = [
      "Subject: [PAGE] FIRING MinitwitNoHealthyInstance",
      "Content-Type: multipart/alternative; boundary=b1",
      "",
      "--b1",
      "Content-Transfer-Encoding: quoted-printable",
      "Content-Type: text/plain; charset=UTF-8",
      "",
      "No instance =E2=80=94 the site is down. A line long enough to be wrapped by th=",
      "e encoder.",
      "..leading dot",
      "--b1--",
    ].join("\r\n");
    const replies = await converse(sink.port, [
      "EHLO client\r\n",
      `AUTH PLAIN ${Buffer.from("\0user@example.test\0pass word").toString("base64")}\r\n`,
      "MAIL FROM:<alerts@example.test>\r\n",
      "RCPT TO:<a@example.test>\r\n",
      "RCPT TO:<b@example.test>\r\n",
      "DATA\r\n",
      `${message}\r\n.\r\n`,
      "QUIT\r\n",
    ]);
    expect(replies.map((r) => r.slice(0, 3))).toEqual([
      "220",
      "250",
      "235",
      "250",
      "250",
      "250",
      "354",
      "250",
      "221",
    ]);
    expect(replies[1]).toContain("AUTH PLAIN");
    expect(sink.received()).toEqual([
      expect.objectContaining({
        from: "alerts@example.test",
        to: ["a@example.test", "b@example.test"],
        auth: { username: "user@example.test", password: "pass word" },
        headers: expect.objectContaining({ subject: "[PAGE] FIRING MinitwitNoHealthyInstance" }),
        text: "No instance — the site is down. A line long enough to be wrapped by the encoder.\r\n.leading dot",
      }),
    ]);
  });
});
