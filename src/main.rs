//! Entry point: mounts the app on `<body>`, unless the page only embeds conversations
//! (`embed.js` mounts those itself).

fn main() {
    threadline::panic::install();
    if !threadline::embed::embedding_only() {
        leptos::mount::mount_to_body(threadline::app::App);
    }
}
