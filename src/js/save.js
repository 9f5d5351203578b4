// Files the page hands the browser to save: text it made (a CSV, a trace's
// SVG), and a chart as a picture for a slide: its title, its lines and its
// legend in one standalone SVG, drawn in the colours the page shows (the
// page's CSS is copied onto each element, since a saved SVG has no
// stylesheet), or that SVG rendered to a PNG at twice the size on screen.

const STYLE = ['fill', 'stroke', 'stroke-width', 'stroke-dasharray', 'font-family', 'font-size', 'font-weight', 'opacity'];
const NS = 'http://www.w3.org/2000/svg';

/** The chart whose export button is `button`, as SVG markup, with its size. */
function chartSvg(button) {
  const figure = button.closest('figure');
  const chart = figure.querySelector('svg');
  const box = chart.getBoundingClientRect();
  const page = getComputedStyle(figure);
  const lines = chart.cloneNode(true);
  [chart, ...chart.querySelectorAll('*')].forEach((from, i) => {
    const to = i === 0 ? lines : lines.querySelectorAll('*')[i - 1];
    const cs = getComputedStyle(from);
    to.setAttribute('style', STYLE.map((p) => `${p}:${cs.getPropertyValue(p)}`).join(';'));
  });
  const width = Math.round(box.width), top = 32, pad = 10;
  const legend = [...figure.querySelectorAll('.legend li')];
  const height = Math.round(box.height) + top + pad + legend.length * 16;
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('xmlns', NS);
  svg.setAttribute('width', width + 2 * pad);
  svg.setAttribute('height', height);
  svg.setAttribute('font-family', page.fontFamily);
  svg.setAttribute('font-size', '12');
  const rect = document.createElementNS(NS, 'rect');
  rect.setAttribute('width', '100%');
  rect.setAttribute('height', '100%');
  rect.setAttribute('fill', page.backgroundColor);
  svg.append(rect);
  const text = (x, y, words, attrs = {}) => {
    const t = document.createElementNS(NS, 'text');
    t.setAttribute('x', x);
    t.setAttribute('y', y);
    t.setAttribute('fill', page.color);
    for (const [k, v] of Object.entries(attrs)) t.setAttribute(k, v);
    t.textContent = words;
    svg.append(t);
  };
  text(pad, 22, figure.querySelector('figcaption').textContent, { 'font-weight': 'bold', 'font-size': '14' });
  lines.setAttribute('x', pad);
  lines.setAttribute('y', top);
  lines.setAttribute('width', width);
  lines.setAttribute('height', Math.round(box.height));
  svg.append(lines);
  legend.forEach((li, i) => {
    const y = top + box.height + 16 + i * 16;
    const swatch = getComputedStyle(li.querySelector('.swatch'));
    const line = document.createElementNS(NS, 'line');
    Object.entries({ x1: pad, x2: pad + 18, y1: y - 4, y2: y - 4, stroke: swatch.borderTopColor, 'stroke-width': 3 })
      .forEach(([k, v]) => line.setAttribute(k, v));
    if (swatch.borderTopStyle === 'dashed') line.setAttribute('stroke-dasharray', '6 3');
    svg.append(line);
    text(pad + 24, y, li.textContent);
  });
  return { markup: new XMLSerializer().serializeToString(svg), width: width + 2 * pad, height };
}

function save(blob, name) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

/** Saves `text` as a file `name` of type `type`. */
export function saveText(text, name, type) {
  save(new Blob([text], { type }), name);
}

/** Saves the chart of `button` as `name`.svg, or (`png`) `name`.png. */
export function saveChart(button, name, png) {
  const { markup, width, height } = chartSvg(button);
  const svg = new Blob([markup], { type: 'image/svg+xml' });
  if (!png) return save(svg, `${name}.svg`);
  const image = new Image();
  image.onload = () => {
    const canvas = document.createElement('canvas');
    canvas.width = width * 2;
    canvas.height = height * 2;
    const g = canvas.getContext('2d');
    g.scale(2, 2);
    g.drawImage(image, 0, 0);
    URL.revokeObjectURL(image.src);
    canvas.toBlob((png) => save(png, `${name}.png`), 'image/png');
  };
  image.src = URL.createObjectURL(svg);
}
