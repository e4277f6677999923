/**
 * The part of simple-peer 9 that Parley uses. Declared here instead of @types/simple-peer, whose
 * types pull all of Node's into the browser project (it extends `stream.Duplex`).
 */
declare module 'simple-peer' {
  namespace SimplePeer {
    interface Options {
      initiator?: boolean;
      trickle?: boolean;
      config?: RTCConfiguration;
      channelConfig?: RTCDataChannelInit;
    }
    interface Instance {
      readonly connected: boolean;
      readonly destroyed: boolean;
      /** Private: the RTCDataChannel; see client/net/peer-connection.ts for why it is read. */
      readonly _channel: RTCDataChannel | null;
      /** Private: the RTCPeerConnection. */
      readonly _pc: RTCPeerConnection | null;
      signal(data: object): void;
      send(data: string | ArrayBufferView | ArrayBuffer | Blob): void;
      destroy(error?: Error): void;
      /** Starts a new offer/answer round (the initiator) or asks the initiator for one. */
      negotiate(): void;
      on(event: 'signal', listener: (data: object) => void): this;
      on(event: 'connect' | 'close', listener: () => void): this;
      on(event: 'data', listener: (data: Uint8Array | string) => void): this;
      on(event: 'error', listener: (error: Error & { code?: string }) => void): this;
      on(event: 'iceStateChange', listener: (state: RTCIceConnectionState, gathering: string) => void): this;
    }
  }
  const SimplePeer: new (options?: SimplePeer.Options) => SimplePeer.Instance;
  export = SimplePeer;
}
