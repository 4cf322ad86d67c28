// The host listens to what its embedded conversations report.
const activity = document.getElementById('activity');
for (const name of ['threadline:sent', 'threadline:status-changed', 'threadline:error', 'threadline:session-expired']) {
  document.addEventListener(name, (event) => {
    const item = document.createElement('li');
    item.textContent = `${name} ticket ${event.detail.ticketId}${event.detail.status ? ` → ${event.detail.status}` : ''}${event.detail.message ? `: ${event.detail.message}` : ''}`;
    activity.append(item);
  });
}

// Behind a gateway, the portal's backend signs each agent's session (see the README); when one
// runs out, the page asks it for a new one, and the conversation goes on where it stopped.
document.addEventListener('threadline:session-expired', async (event) => {
  const response = await fetch('/session');
  if (response.ok) event.target.setAttribute('session-token', await response.text());
});
