// node-red-node-test-helper ships no types: the part of its API our tests use.
declare module 'node-red-node-test-helper' {
  import type { Express } from 'express';
  import type { Server } from 'http';

  interface TestNode {
    id: string;
    type: string;
    credentials: Record<string, string | undefined>;
    on(event: string, listener: (...args: never[]) => void): void;
    receive(msg: Record<string, unknown>): void;
    status: ((...args: unknown[]) => void) & { args?: unknown[][]; callCount?: number };
    error: ((...args: unknown[]) => void) & { args?: unknown[][]; callCount?: number };
    warn: ((...args: unknown[]) => void) & { args?: unknown[][]; callCount?: number };
    send: ((...args: unknown[]) => void) & { args?: unknown[][]; callCount?: number };
    context(): { get(key: string): unknown; set(key: string, value: unknown): void };
    [key: string]: unknown;
  }

  type FlowNode = Record<string, unknown> & { id: string; type: string };
  type NodeModule = (RED: never) => void;

  interface NodeTestHelper {
    init(runtimePath?: string, userSettings?: Record<string, unknown>): void;
    settings(userSettings: Record<string, unknown>): void;
    load(
      testNode: NodeModule | NodeModule[],
      testFlow: FlowNode[],
      testCredentials?: Record<string, Record<string, string>> | (() => void),
      cb?: () => void,
    ): Promise<void>;
    unload(): Promise<void>;
    /** Deploy a new flow into the loaded runtime (`full`, `nodes` or `flows`). */
    setFlows(testFlow: FlowNode[], type: string, testCredentials?: Record<string, Record<string, string>>): Promise<void>;
    getNode(id: string): TestNode;
    clearFlows(): Promise<void>;
    // supertest's agent: untyped here, as the helper ships no types.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    request(): any;
    startServer(done?: () => void): Promise<void>;
    stopServer(done?: () => void): Promise<void>;
    url(): string;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the helper's sinon spy on the log
    log(): any;
    httpAdmin(): Express;
    _server?: Server;
    _RED?: unknown;
  }

  const helper: NodeTestHelper;
  export = helper;
}
