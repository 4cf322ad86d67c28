//! The conversation's keyboard shortcuts: which key press means what, and when a key is left
//! alone (always while the agent types: a shortcut must never eat a letter).

/// What a shortcut does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shortcut {
    /// Focus the next message.
    NextMessage,
    /// Focus the previous message.
    PreviousMessage,
    /// Jump to the composer, in reply mode.
    Reply,
    /// Jump to the composer, in internal-note mode.
    Note,
    /// Show the blocked images of the focused message (else the first one on screen).
    ShowImages,
    /// Open the list of shortcuts.
    Help,
    /// Find in this conversation (Ctrl/Cmd+F, even while typing: the browser's own find
    /// cannot see what the windowed thread keeps out of the page).
    Find,
}

/// A key press as the browser reports it.
#[derive(Debug, Clone, Copy, Default)]
pub struct KeyPress<'k> {
    /// `KeyboardEvent.key`.
    pub key: &'k str,
    /// `KeyboardEvent.code`: the physical key, for layouts whose letters are not Latin.
    pub code: &'k str,
    pub ctrl: bool,
    pub alt: bool,
    pub meta: bool,
    /// The focus is in a text field, a select or editable content.
    pub typing: bool,
    /// The key is one of an input method's composition (`isComposing`).
    pub composing: bool,
}

/// The shortcut a key press asks for, if any. Single keys without Ctrl, Alt or Meta, and never
/// while typing or composing; Shift is allowed (it is how `?` is typed).
pub fn shortcut_for(press: KeyPress<'_>) -> Option<Shortcut> {
    let f = press.key.eq_ignore_ascii_case("f") || press.code == "KeyF";
    if f && (press.ctrl || press.meta) && !press.alt && !press.composing {
        return Some(Shortcut::Find);
    }
    if press.typing || press.composing || press.ctrl || press.alt || press.meta {
        return None;
    }
    // On an Arabic or Cyrillic layout the J key types another letter: the physical key then
    // stands for the Latin one printed beside it.
    let key = if press.key.is_ascii() {
        press.key
    } else {
        match press.code {
            "KeyJ" => "j",
            "KeyK" => "k",
            "KeyR" => "r",
            "KeyN" => "n",
            "KeyI" => "i",
            // The Arabic question mark.
            _ if press.key == "\u{61f}" => "?",
            _ => return None,
        }
    };
    Some(match key {
        "j" => Shortcut::NextMessage,
        "k" => Shortcut::PreviousMessage,
        "r" => Shortcut::Reply,
        "n" => Shortcut::Note,
        "i" => Shortcut::ShowImages,
        "?" => Shortcut::Help,
        _ => return None,
    })
}

/// Every shortcut the help overlay lists, with its keys as `aria-keyshortcuts` spells them.
/// Those not in [`shortcut_for`] are handled where they act (the composer, the feed).
pub const DOCUMENTED: &[(&str, Topic)] = &[
    ("J", Topic::NextMessage),
    ("K", Topic::PreviousMessage),
    ("PageDown", Topic::NextMessageInFeed),
    ("PageUp", Topic::PreviousMessageInFeed),
    ("R", Topic::Reply),
    ("N", Topic::Note),
    ("Control+Enter", Topic::Send),
    ("Control+Alt+N", Topic::SwitchMode),
    ("/", Topic::SavedReplies),
    ("I", Topic::ShowImages),
    ("Control+F", Topic::Find),
    ("Shift+?", Topic::Help),
    ("Escape", Topic::Close),
];

/// What one documented shortcut does (the app words it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topic {
    NextMessage,
    PreviousMessage,
    NextMessageInFeed,
    PreviousMessageInFeed,
    Reply,
    Note,
    Send,
    SwitchMode,
    /// `/` at the start of a line in the composer (agents only).
    SavedReplies,
    ShowImages,
    Find,
    Help,
    Close,
}

/// Whether the help overlay lists `topic` for a view that can write messages (`can_write`)
/// and internal notes (`can_note`): a read-only view has no composer, a customer no notes.
pub fn applies(topic: Topic, can_write: bool, can_note: bool) -> bool {
    match topic {
        Topic::Reply | Topic::Send => can_write,
        Topic::Note | Topic::SwitchMode | Topic::SavedReplies => can_write && can_note,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(key: &str) -> KeyPress<'_> {
        KeyPress {
            key,
            ..KeyPress::default()
        }
    }

    #[test]
    fn single_keys_map_to_their_shortcuts() {
        assert_eq!(shortcut_for(key("j")), Some(Shortcut::NextMessage));
        assert_eq!(shortcut_for(key("k")), Some(Shortcut::PreviousMessage));
        assert_eq!(shortcut_for(key("r")), Some(Shortcut::Reply));
        assert_eq!(shortcut_for(key("n")), Some(Shortcut::Note));
        assert_eq!(shortcut_for(key("i")), Some(Shortcut::ShowImages));
        assert_eq!(shortcut_for(key("?")), Some(Shortcut::Help));
        assert_eq!(shortcut_for(key("x")), None);
        assert_eq!(shortcut_for(key("J")), None, "Shift+J is not J");
    }

    #[test]
    fn control_or_command_f_finds_even_while_typing() {
        for (ctrl, meta) in [(true, false), (false, true)] {
            let press = KeyPress {
                ctrl,
                meta,
                typing: true,
                ..key("f")
            };
            assert_eq!(shortcut_for(press), Some(Shortcut::Find));
        }
        let cyrillic = KeyPress {
            ctrl: true,
            code: "KeyF",
            ..key("а")
        };
        assert_eq!(shortcut_for(cyrillic), Some(Shortcut::Find));
        assert_eq!(
            shortcut_for(KeyPress {
                ctrl: true,
                alt: true,
                ..key("f")
            }),
            None
        );
        assert_eq!(shortcut_for(key("f")), None, "F alone is a letter");
    }

    #[test]
    fn other_layouts_use_the_physical_keys() {
        let arabic = |key, code| KeyPress {
            key,
            code,
            ..KeyPress::default()
        };
        assert_eq!(
            shortcut_for(arabic("ت", "KeyJ")),
            Some(Shortcut::NextMessage)
        );
        assert_eq!(shortcut_for(arabic("ى", "KeyN")), Some(Shortcut::Note));
        assert_eq!(
            shortcut_for(arabic("\u{61f}", "Slash")),
            Some(Shortcut::Help)
        );
        assert_eq!(shortcut_for(arabic("ض", "KeyQ")), None);
        // A Latin layout's own letter wins over its physical key (Dvorak's J is on KeyC).
        assert_eq!(
            shortcut_for(arabic("j", "KeyC")),
            Some(Shortcut::NextMessage)
        );
    }

    #[test]
    fn nothing_is_taken_while_typing_composing_or_with_a_modifier() {
        for k in ["j", "k", "r", "n", "i", "?"] {
            let typing = KeyPress {
                typing: true,
                ..key(k)
            };
            let composing = KeyPress {
                composing: true,
                ..key(k)
            };
            let ctrl = KeyPress {
                ctrl: true,
                ..key(k)
            };
            let alt = KeyPress {
                alt: true,
                ..key(k)
            };
            let meta = KeyPress {
                meta: true,
                ..key(k)
            };
            for press in [typing, composing, ctrl, alt, meta] {
                assert_eq!(shortcut_for(press), None, "{press:?}");
            }
        }
    }

    #[test]
    fn the_list_fits_the_view() {
        let listed = |write, note| {
            DOCUMENTED
                .iter()
                .filter(|(_, t)| applies(*t, write, note))
                .count()
        };
        assert_eq!(listed(true, true), DOCUMENTED.len());
        assert!(!applies(Topic::Note, true, false));
        assert!(!applies(Topic::SwitchMode, true, false));
        assert!(applies(Topic::Reply, true, false));
        assert!(!applies(Topic::Send, false, false));
        assert_eq!(listed(false, false), DOCUMENTED.len() - 5);
        assert!(!applies(Topic::SavedReplies, true, false));
    }

    #[test]
    fn every_single_key_shortcut_is_documented() {
        for (k, topic) in [
            ("j", Topic::NextMessage),
            ("k", Topic::PreviousMessage),
            ("r", Topic::Reply),
            ("n", Topic::Note),
            ("i", Topic::ShowImages),
        ] {
            assert!(shortcut_for(key(k)).is_some());
            let documented = DOCUMENTED.iter().find(|(_, t)| *t == topic);
            assert_eq!(
                documented.map(|(keys, _)| keys.to_lowercase()),
                Some(k.to_owned())
            );
        }
    }
}
