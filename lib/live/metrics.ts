import client from "prom-client";
import { metrics } from "../observability/metrics";
import { singleton } from "../runtime/singleton";

/** Seconds from a notification reaching this instance to its event being handed to the stream. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

function createLiveMetrics() {
  const registers = [metrics().registry];
  return {
    open: new client.Gauge({
      name: "minitwit_live_streams_open",
      help: "Live-timeline streams (server-sent events) open on this instance.",
      registers,
    }),
    delivered: new client.Counter({
      name: "minitwit_live_events_delivered_total",
      help: "Live-timeline events handed to their streams.",
      registers,
    }),
    dropped: new client.Counter({
      name: "minitwit_live_events_dropped_total",
      help: "Live-timeline events not delivered live: slow: the reader fell behind and was cut off; backlog: this instance fell behind and its streams caught up from the table.",
      labelNames: ["reason"] as const,
      registers,
    }),
    refused: new client.Counter({
      name: "minitwit_live_streams_refused_total",
      help: "Live-timeline streams refused because the user or address already had as many open as allowed.",
      registers,
    }),
    latency: new client.Histogram({
      name: "minitwit_live_delivery_seconds",
      help: "Time from a message's notification reaching this instance to its event reaching the stream.",
      buckets: LATENCY_BUCKETS,
      registers,
    }),
  };
}

/** The live timelines' series, in the one registry (kept on globalThis like it). */
export function liveMetrics(): ReturnType<typeof createLiveMetrics> {
  return singleton("liveMetrics", createLiveMetrics);
}
