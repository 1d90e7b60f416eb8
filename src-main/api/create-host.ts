/**
 * The ApiHost every transport drives: look the channel up in the contract, validate the
 * arguments with its schema (errors name the field), run the handler, map failures to ApiError.
 * Must not import electron.
 */
import { CALLS, type CallChannel } from '../../src-shared/contract.js';
import { toApiError } from './error-map.js';
import { ApiError } from './errors.js';
import { HANDLERS } from './handlers.js';
import type { ApiHost } from './host.js';
import type { LabServices } from './services.js';

export function isCallChannel(channel: unknown): channel is CallChannel {
  return typeof channel === 'string' && Object.prototype.hasOwnProperty.call(CALLS, channel);
}

export function createApiHost(lab: LabServices): ApiHost {
  return {
    async call(channel: string, args: unknown): Promise<unknown> {
      if (!isCallChannel(channel)) throw new ApiError('not-found', `unknown call "${channel}"`);
      const parsed = CALLS[channel].safeParse(args ?? {});
      if (!parsed.success) throw toApiError(parsed.error);
      try {
        const handler = HANDLERS[channel] as (l: LabServices, a: unknown) => unknown;
        return await handler(lab, parsed.data);
      } catch (err) {
        throw toApiError(err);
      }
    },
    subscribe(listener) {
      return lab.subscribe(listener);
    },
  };
}
