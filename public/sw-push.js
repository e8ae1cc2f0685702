/* Web Push handlers, loaded by sw.js (importScripts). Filled in by the notifications work. */
