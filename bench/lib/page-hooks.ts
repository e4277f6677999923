/**
 * The two places every in-page probe of the benchmarks hooks into, written once: each probe's init
 * script (plain JavaScript, run before the app) starts with `PAGE_HOOKS`, which defines
 * - `watchDataChannels(watch)`: `watch(channel)` for every RTCDataChannel of the page, both those it
 *   creates and those the other side announces (`datachannel`). The app's channels are created deep
 *   inside simple-peer, so the constructor is where a probe can reach them.
 * - `observeShadowRoots(observer, options)`: `observer` also watches every shadow root as it is
 *   attached. Lit renders into shadow roots, which a MutationObserver on the document never sees.
 *
 * The hooks wrap the native functions, and wrapping composes: two probes in one page each see
 * every channel and every root.
 */
export const PAGE_HOOKS = `
  const watchDataChannels = (watch) => {
    const NativePeerConnection = globalThis.RTCPeerConnection;
    const createDataChannel = NativePeerConnection.prototype.createDataChannel;
    NativePeerConnection.prototype.createDataChannel = function (...args) {
      const channel = createDataChannel.apply(this, args);
      watch(channel);
      return channel;
    };
    globalThis.RTCPeerConnection = class extends NativePeerConnection {
      constructor(...args) {
        super(...args);
        this.addEventListener('datachannel', (event) => watch(event.channel));
      }
    };
  };
  const observeShadowRoots = (observer, options) => {
    const attachShadow = Element.prototype.attachShadow;
    Element.prototype.attachShadow = function (init) {
      const root = attachShadow.call(this, init);
      observer.observe(root, options);
      return root;
    };
  };
`;
