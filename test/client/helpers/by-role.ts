/**
 * Finds elements the way a person (and a screen reader) does: by role and accessible name, looking
 * into open shadow roots. A deliberately small subset of the accessible-name algorithm — explicit
 * `role` or the implicit role of the tags Parley uses; names from aria-label, aria-labelledby,
 * <label> and text content. The e2e tests use Playwright's full implementation; this keeps component
 * tests honest without a browser driver.
 */

const IMPLICIT_ROLES: Record<string, (el: Element) => string | null> = {
  BUTTON: () => 'button',
  A: (el) => (el.hasAttribute('href') ? 'link' : null),
  TEXTAREA: () => 'textbox',
  INPUT: (el) => {
    const type = (el.getAttribute('type') ?? 'text').toLowerCase();
    if (type === 'checkbox') return 'checkbox';
    if (type === 'button' || type === 'submit') return 'button';
    if (type === 'search') return 'searchbox';
    if (type === 'password') return 'password';
    // A file input is a button to a person; Parley's are hidden behind **Attach file**.
    if (type === 'file' || type === 'hidden') return null;
    return 'textbox';
  },
  UL: () => 'list',
  OL: () => 'list',
  LI: () => 'listitem',
  ARTICLE: () => 'article',
  DIALOG: () => 'dialog',
  SELECT: () => 'combobox',
  PROGRESS: () => 'progressbar',
  H1: () => 'heading',
  H2: () => 'heading',
  H3: () => 'heading',
  H4: () => 'heading',
};

export function roleOf(el: Element): string | null {
  return el.getAttribute('role') ?? IMPLICIT_ROLES[el.tagName]?.(el) ?? null;
}

/** Text content across shadow roots (a custom element's rendered text lives in its shadow root). */
function deepText(node: Node): string {
  if (node.nodeType === Node.TEXT_NODE) return node.textContent ?? '';
  if (!(node instanceof Element)) return '';
  if (node.getAttribute('aria-hidden') === 'true') return '';
  const children = node.shadowRoot ? [...node.shadowRoot.childNodes] : [...node.childNodes];
  return children.map(deepText).join(' ');
}

function squash(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

export function accessibleName(el: Element): string {
  const label = el.getAttribute('aria-label');
  if (label) return squash(label);
  const labelledBy = el.getAttribute('aria-labelledby');
  if (labelledBy) {
    const root = el.getRootNode() as Document | ShadowRoot;
    return squash(
      labelledBy
        .split(/\s+/)
        .map((id) => deepText(root.getElementById(id) ?? document.createElement('i')))
        .join(' '),
    );
  }
  if (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement) {
    const wrapping = el.closest('label');
    if (wrapping) {
      const clone = wrapping.cloneNode(true) as HTMLElement;
      clone.querySelectorAll('input, textarea, select').forEach((field) => field.remove());
      return squash(clone.textContent ?? '');
    }
    return '';
  }
  return squash(deepText(el));
}

function* walk(root: Element | ShadowRoot | Document): Generator<Element> {
  for (const child of root.children) {
    yield child;
    if (child.shadowRoot) yield* walk(child.shadowRoot);
    yield* walk(child);
  }
}

/** Every element with `role` whose accessible name matches (a string matches case-insensitively, whole). */
export function queryAllByRole(
  root: Element | ShadowRoot | Document,
  role: string,
  name?: string | RegExp,
): Element[] {
  const scope = root instanceof Element && root.shadowRoot ? [root.shadowRoot, root] : [root];
  const found: Element[] = [];
  for (const start of scope) {
    for (const el of walk(start)) {
      if (roleOf(el) !== role || found.includes(el)) continue;
      if (name === undefined) found.push(el);
      else if (
        typeof name === 'string'
          ? accessibleName(el).toLowerCase() === name.toLowerCase()
          : name.test(accessibleName(el))
      )
        found.push(el);
    }
  }
  return found;
}

/** The one element with `role` and `name`; throws when there is none or more than one. */
export function getByRole<T extends Element = HTMLElement>(
  root: Element | ShadowRoot | Document,
  role: string,
  name?: string | RegExp,
): T {
  const found = queryAllByRole(root, role, name);
  if (found.length !== 1) {
    throw new Error(`expected one ${role} named ${String(name)}, found ${found.length}`);
  }
  return found[0] as T;
}
