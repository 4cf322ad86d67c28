//! The app's icons: one small inline-SVG set drawn on a 16-unit grid in the current text
//! colour, always `aria-hidden` (the control beside or around an icon carries the name). No
//! emoji anywhere in the UI: they render as empty boxes where no emoji font is installed.

use leptos::prelude::*;

/// Every icon the app draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Glyph {
    Lock,
    Link,
    Paperclip,
    Quote,
    Code,
    BulletList,
    NumberedList,
    Reply,
    ChevronDown,
    ChevronUp,
    Search,
    ZoomIn,
    ZoomOut,
    Close,
    Download,
    Image,
    File,
    Bookmark,
    More,
}

impl Glyph {
    /// The outline (stroked) paths of the icon; the lock is filled.
    fn paths(self) -> &'static str {
        match self {
            Self::Lock => "M4 7V5a4 4 0 0 1 8 0v2h1v8H3V7zm2 0h4V5a2 2 0 0 0-4 0z",
            Self::Link => "M6.5 9.5l3-3M7 4.5l1-1a2.8 2.8 0 0 1 4 4l-1 1M9 11.5l-1 1a2.8 2.8 0 0 1-4-4l1-1",
            Self::Paperclip => "M10.5 4.5l-5 5a1.5 1.5 0 0 0 2 2l5.5-5.5a3 3 0 0 0-4.2-4.2L3.3 7.3a4.5 4.5 0 0 0 6.4 6.4l4.3-4.2",
            Self::Quote => "M3 8.5h3.5v4.5H3zM3 8.5C3 5.5 4 4 6 3.5M9.5 8.5H13v4.5H9.5zM9.5 8.5c0-3 1-4.5 3-5",
            Self::Code => "M5.5 4.5L2 8l3.5 3.5M10.5 4.5L14 8l-3.5 3.5",
            Self::BulletList => "M6 4h8M6 8h8M6 12h8M2.5 4h.01M2.5 8h.01M2.5 12h.01",
            Self::NumberedList => "M7 4h7M7 8h7M7 12h7M2.5 2.5h1v3.5M2 6h2.5M2 9.5h2.5l-2.5 4h2.5",
            Self::Reply => "M6 4L2 8l4 4M2 8h7a5 5 0 0 1 5 5",
            Self::ChevronDown => "M4 6l4 4 4-4",
            Self::ChevronUp => "M4 10l4-4 4 4",
            Self::ZoomIn => "M7 2.5a4.5 4.5 0 1 0 0 9 4.5 4.5 0 0 0 0-9zM10.3 10.3L14 14M5 7h4M7 5v4",
            Self::ZoomOut => "M7 2.5a4.5 4.5 0 1 0 0 9 4.5 4.5 0 0 0 0-9zM10.3 10.3L14 14M5 7h4",
            Self::Search => "M7 2.5a4.5 4.5 0 1 0 0 9 4.5 4.5 0 0 0 0-9zM10.3 10.3L14 14",
            Self::Close => "M4 4l8 8M12 4l-8 8",
            Self::Download => "M8 2.5v8M4.5 7L8 10.5 11.5 7M3 13.5h10",
            Self::Image => "M2.5 3.5h11v9h-11zM2.5 10.5l3-3 3 3 2-2 3 3M10.5 6.5h.01",
            Self::File => "M4 1.5h5l3.5 3.5v9.5H4zM9 1.5V5h3.5",
            Self::Bookmark => "M4 2h8v12l-4-3-4 3z",
            Self::More => "M3 8h.01M8 8h.01M13 8h.01",
        }
    }

    fn filled(self) -> bool {
        self == Self::Lock
    }
}

/// One icon at the text's size.
#[component]
pub fn Icon(glyph: Glyph) -> impl IntoView {
    let (fill, stroke) = if glyph.filled() {
        ("currentColor", "none")
    } else {
        ("none", "currentColor")
    };
    view! {
        <svg
            class="tl-icon"
            viewBox="0 0 16 16"
            width="16"
            height="16"
            aria-hidden="true"
            focusable="false"
            fill=fill
            stroke=stroke
            stroke-width="1.5"
            stroke-linecap="round"
            stroke-linejoin="round"
        >
            <path d=glyph.paths()/>
        </svg>
    }
}
