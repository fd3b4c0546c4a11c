export { VpcdSlot, vpcdPort, vpcdReaderName, VPCD_BASE_PORT, VPCD_DEFAULT_HOST, type VpcdSlotOptions } from './slot.js';
export { FrameDecoder, encodeFrame, classifyPayload, VpcdControl, MAX_FRAME_PAYLOAD, type VpcdMessage } from './frame.js';
export { FaultState, decodeFaultPlan, checkFaultAnswer, MAX_FAULT_DELAY_MS, type FaultPlan, type FaultAction } from './faults.js';
