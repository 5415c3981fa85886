import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLoginService, type LoginService, type LoginServiceOptions } from './login-service.js';

export interface StartLoginServiceOptions extends LoginServiceOptions {
  /** TCP port on 127.0.0.1; 0 picks a free one. */
  port: number;
}

export interface RunningLoginService {
  service: LoginService;
  port: number;
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** Stops listening, drops open connections and closes the MFA policy. */
  stop(): Promise<void>;
}

/** Creates the login service and listens on 127.0.0.1 only; a port in use rejects with EADDRINUSE. */
export async function startLoginService(options: StartLoginServiceOptions): Promise<RunningLoginService> {
  const service = await createLoginService(options);
  let server: Server;
  try {
    server = await new Promise<Server>((resolve, reject) => {
      const s = service.app.listen(options.port, '127.0.0.1');
      s.once('listening', () => resolve(s));
      s.once('error', reject);
    });
  } catch (err) {
    service.close();
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  return {
    service,
    port,
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      service.close();
    },
  };
}
