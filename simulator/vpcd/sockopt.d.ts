// Types for the npm package `sockopt` (it ships none): getsockopt/setsockopt on a
// Node socket's file descriptor, integers only.
declare module 'sockopt' {
  import type { Socket } from 'node:net';

  interface Sockopt {
    getsockopt(socket: Socket, level: number, option: number): number;
    setsockopt(socket: Socket, level: number, option: number, value: number): void;
  }
  const sockopt: Sockopt;
  export default sockopt;
}
