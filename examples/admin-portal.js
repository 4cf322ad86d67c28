// The host listens to what its embedded conversations report.
const activity = document.getElementById('activity');
for (const name of ['threadline:sent', 'threadline:status-changed', 'threadline:error']) {
  document.addEventListener(name, (event) => {
    const item = document.createElement('li');
    item.textContent = `${name} ticket ${event.detail.ticketId}${event.detail.status ? ` → ${event.detail.status}` : ''}${event.detail.message ? `: ${event.detail.message}` : ''}`;
    activity.append(item);
  });
}
