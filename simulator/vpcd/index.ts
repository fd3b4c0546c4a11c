export { VpcdSlot, vpcdPort, vpcdReaderName, VPCD_BASE_PORT, VPCD_DEFAULT_HOST, type VpcdSlotOptions } from './slot.js';
export { FrameDecoder, encodeFrame, classifyPayload, VpcdControl, MAX_FRAME_PAYLOAD, type VpcdMessage } from './frame.js';
