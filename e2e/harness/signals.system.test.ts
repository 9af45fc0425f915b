import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { processesWithEnv, waitForNoProcesses } from "../support/processes";
import { INSTANCE_VARIABLE, startTestServer, tempDir, type TestServer } from "./server";

/** Whether nothing accepts connections on the port within `timeoutMs`. */
async function portClosesWithin(port: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (!open) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The server process among those of a start (npm, a shell, node). */
function serverProcess(server: TestServer) {
  return processesWithEnv(INSTANCE_VARIABLE, server.instance).find((p) =>
    p.command.includes("lib/tools/cli/start.ts"),
  );
}

describe("signals reach the server they are meant for", () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function start(command?: [string, string[]]): Promise<TestServer> {
    const data = await tempDir("minitwit-signals-");
    cleanups.push(data.remove);
    const server = await startTestServer({ dataDir: data.dir, command });
    cleanups.push(async () => {
      for (const { pid } of processesWithEnv(INSTANCE_VARIABLE, server.instance))
        process.kill(pid, "SIGKILL");
      await server.stop("SIGKILL");
    });
    return server;
  }

  it("SIGKILL kills the server itself: its port closes within a second and none of its processes remain", async () => {
    const server = await start();
    expect(serverProcess(server)?.pid).toBe(server.child.pid);
    expect(await server.stop("SIGKILL")).toBeNull();
    expect(server.child.signalCode).toBe("SIGKILL");
    expect(await portClosesWithin(server.port, 1000)).toBe(true);
    expect(processesWithEnv(INSTANCE_VARIABLE, server.instance)).toEqual([]);
  });

  it("SIGTERM drains the server, which exits 0 and leaves nothing running", async () => {
    const server = await start();
    expect(await server.stop("SIGTERM")).toBe(0);
    expect(server.output()).toMatch(/"reason":"SIGTERM".*"msg":"shutting down: draining"/);
    expect(server.output()).toMatch(/"msg":"stopped"/);
    expect(await portClosesWithin(server.port, 1000)).toBe(true);
    expect(processesWithEnv(INSTANCE_VARIABLE, server.instance)).toEqual([]);
  });

  it("under `npm start`, npm relays SIGTERM: the server drains and exits 0, and npm with it", async () => {
    const server = await start(["npm", ["start", "--silent"]]);
    expect(serverProcess(server)).toBeDefined();
    expect(await server.stop("SIGTERM")).toBe(0);
    expect(server.output()).toMatch(/"msg":"stopped"/);
    expect(await waitForNoProcesses(INSTANCE_VARIABLE, server.instance, 2000)).toEqual([]);
    expect(await portClosesWithin(server.port, 1000)).toBe(true);
  });

  it("under `npm start`, a SIGKILL of npm (which it cannot relay) still ends the server: it sees its parent go and shuts down", async () => {
    const server = await start(["npm", ["start", "--silent"]]);
    const serverPid = serverProcess(server)?.pid;
    expect(serverPid).toBeDefined();
    expect(serverPid).not.toBe(server.child.pid);
    expect(await server.stop("SIGKILL")).toBeNull();
    // The server polls its parent every 250 ms, then drains (SHUTDOWN_DRAIN_SECONDS is 0 here).
    expect(await waitForNoProcesses(INSTANCE_VARIABLE, server.instance, 5000)).toEqual([]);
    expect(await portClosesWithin(server.port, 1000)).toBe(true);
    expect(server.output()).toMatch(/"msg":"the parent process exited"/);
    expect(server.output()).toMatch(/"msg":"stopped"/);
  });
});
