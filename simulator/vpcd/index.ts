export { VpcdSlot, type VpcdSlotOptions } from './slot.js';
export { FrameDecoder, encodeFrame, classifyPayload, VpcdControl, MAX_FRAME_PAYLOAD, type VpcdMessage } from './frame.js';

