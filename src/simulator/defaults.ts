// The demo's credentials: the simulator accepts these unless told otherwise, so the demo can seed them.
export const DEMO_CLIENT_ID = 'econetatmo-demo-client';
export const DEMO_CLIENT_SECRET = 'econetatmo-demo-secret';
export const DEMO_REFRESH_TOKEN = '5f3c000000000000000000aa|demo-refresh-token';
export const DEFAULT_PORT = 8370;
