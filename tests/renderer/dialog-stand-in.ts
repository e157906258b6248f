// jsdom has HTMLDialogElement but neither showModal() nor close() (jsdom/jsdom#3294), and no
// close watcher. Importing this module gives the renderer tests the parts of Chromium's
// behaviour our Modal relies on, as strictly as Chromium does them:
// - showModal() throws InvalidStateError on a disconnected dialog or one open as non-modal,
//   does nothing on one already open as modal, and remembers the focused element;
// - close() clears `open`, puts focus back on that element, and fires `close` in a later task;
// - Escape that no handler prevented fires a cancelable `cancel` at the topmost modal dialog,
//   then closes it unless `cancel` was prevented.
// Inertness and Tab order are not imitated: those are proved in Chromium (tests/e2e/a11y).

const modal = new Set<HTMLDialogElement>();
const openedFrom = new WeakMap<HTMLDialogElement, Element | null>();

function invalid(message: string): DOMException {
  return new DOMException(message, 'InvalidStateError');
}

if (!('__vigilDialogStandIn' in HTMLDialogElement.prototype)) {
  Object.defineProperty(HTMLDialogElement.prototype, '__vigilDialogStandIn', { value: true });

  HTMLDialogElement.prototype.showModal = function showModal(this: HTMLDialogElement) {
    if (this.open && modal.has(this)) return;
    if (this.open) throw invalid('The dialog is already open as a non-modal dialog.');
    if (!this.isConnected) throw invalid('The element is not in a Document.');
    openedFrom.set(this, this.ownerDocument.activeElement);
    this.setAttribute('open', '');
    modal.add(this);
  };

  HTMLDialogElement.prototype.close = function close(this: HTMLDialogElement) {
    if (!this.open) return;
    this.removeAttribute('open');
    modal.delete(this);
    const back = openedFrom.get(this);
    if (back instanceof HTMLElement && back.isConnected) back.focus();
    setTimeout(() => this.dispatchEvent(new Event('close')), 0);
  };

  // After every other keydown listener (bubbling, on window), as the platform acts last.
  window.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape' || event.defaultPrevented) return;
    const top = [...modal].filter((d) => d.isConnected).at(-1);
    if (!top) return;
    const cancel = new Event('cancel', { cancelable: true });
    if (top.dispatchEvent(cancel)) top.close();
  });
}

export {};
