/**
 * The probe's channel to the verifier: what an event is (events.ts), how a record is framed
 * so nothing else the program writes can corrupt or forge one (record.ts), and the sending
 * end used inside the program (writer.ts). Used by the probe, the TypeScript loader and the
 * runner; imports nothing of theirs.
 */
export type { Caller, ListenerTarget, Origin, ProbeEvent, ProbeEventBody, ProbeEventType, Side } from './events.js';
export { encodeRecord, MAX_RECORD, RecordReader } from './record.js';
export { type ChannelEnd, createSender, type Outgoing } from './writer.js';
