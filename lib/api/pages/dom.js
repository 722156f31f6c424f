// Building DOM from data. Job fields are vendor input: they only ever become text nodes and
// attribute values set through the DOM, never markup (no innerHTML anywhere in the page).

/**
 * An element with attributes and children; strings become text nodes.
 * `el('td', { class: 'num' }, '42%')`
 */
export function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  setAttributes(element, attributes);
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

function setAttributes(element, attributes) {
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') element.className = value;
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
}

export function byId(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`The page has no #${id}`);
  return element;
}

/** The status badge: text plus a class per status for its colour (the text carries the meaning). */
export function statusBadge(status) {
  return el('span', { class: `badge status-${String(status).toLowerCase()}` }, status);
}

/** A progress bar with its number, readable without colour. */
export function progressBar(progress) {
  if (typeof progress !== 'number') return el('span', { class: 'muted' }, '–');
  const rounded = Math.round(progress);
  const bar = el('span', {
    class: 'bar',
    role: 'progressbar',
    'aria-valuemin': 0,
    'aria-valuemax': 100,
    'aria-valuenow': rounded,
    'aria-label': `${rounded}%`,
  });
  const fill = el('span', { class: 'fill' });
  // CSSOM, not a style attribute: the CSP allows no inline style.
  fill.style.width = `${Math.max(0, Math.min(100, progress))}%`;
  bar.append(fill);
  return el('span', { class: 'progress' }, bar, el('span', { class: 'num' }, `${rounded}%`));
}
