import { createSimulator, type Simulator, type SimulatorOptions } from './simulator.js';
import { serveHandlers, type RunningServer } from './node-server.js';

export interface StartedSimulator extends RunningServer {
  sim: Simulator;
  token: string;
}

/** A simulator behind a real HTTP server on 127.0.0.1 (port 0 = ephemeral). */
export async function startSimulator(options: SimulatorOptions & { port?: number }): Promise<StartedSimulator> {
  const { port = 0, ...simOptions } = options;
  const sim = createSimulator(simOptions);
  const running = await serveHandlers(sim.handlers, port);
  return { ...running, sim, token: simOptions.token };
}
