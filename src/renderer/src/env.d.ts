/// <reference types="vite/client" />
import type { VigilApi } from '../../preload/api';

declare global {
  interface Window {
    /** Built by the preload from the IPC contract. */
    vigil: VigilApi;
  }
}
