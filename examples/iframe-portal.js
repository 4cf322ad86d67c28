// The portal frames one conversation (/embed/{ticket}?parent-origin=…) and listens to what
// it reports, trusting messages from the app's origin and that frame only.
const appOrigin = location.origin; // Here one server serves the portal page and the app.
const frame = document.getElementById('conversation');
frame.src = `${appOrigin}/embed/2?parent-origin=${encodeURIComponent(location.origin)}`;

const activity = document.getElementById('activity');
window.addEventListener('message', (event) => {
  if (event.origin !== appOrigin || event.source !== frame.contentWindow) return;
  const { type, detail } = event.data ?? {};
  if (typeof type !== 'string' || !type.startsWith('threadline:')) return;
  const item = document.createElement('li');
  item.textContent = `${type} ticket ${detail.ticketId}${detail.status ? ` → ${detail.status}` : ''}`;
  activity.append(item);
});
