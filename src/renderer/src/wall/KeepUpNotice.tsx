import './keep-up.css';

/**
 * The strip under the wall's bar (at the top in kiosk mode: a wall left alone is where silent
 * dropping would go unseen) saying this computer cannot keep up. Always in the page, empty and
 * hidden while all is well, so the words are announced when they come.
 */
export function KeepUpNotice({ text }: { text: string | null }) {
  return (
    <p className="wall-view-keep-up" role="status">
      {text ?? ''}
    </p>
  );
}
