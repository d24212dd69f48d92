"""Phrases the scale-data generator (community/scale.py) combines into posts and comments.

Per product line, features with what goes wrong and what people wish for; titles and Markdown
bodies are built from these and the templates below, so 100,000 posts read like a community's
and full-text search finds common words (battery, wifi, update …) in a realistic share of them.
"""

# line slug → [(feature, tag, [symptoms], [wishes])]
FEATURES = {
    "smartphones": [
        (
            "battery",
            "battery",
            [
                "drains 20% overnight",
                "drops from 30% to zero in minutes",
                "gets hot while charging",
            ],
            ["an 80% charge limit", "a battery health screen", "a replaceable battery again"],
        ),
        (
            "camera",
            "camera",
            [
                "smears night photos",
                "takes seconds to focus indoors",
                "crashes when switching lenses",
            ],
            ["a manual focus slider", "RAW photos in the default app", "a quicker night mode"],
        ),
        (
            "display",
            "display",
            [
                "shows a green tint at low brightness",
                "flickers at 120 Hz",
                "misses touches at the edges",
            ],
            ["a dimmer always-on clock", "a true black dark mode", "a 60 Hz option per app"],
        ),
        (
            "fingerprint sensor",
            "security",
            [
                "fails with wet fingers",
                "takes two tries after the update",
                "stops working in the cold",
            ],
            ["face unlock that works with glasses", "a lockdown button", "per-app locks"],
        ),
        (
            "Wi-Fi",
            "wifi",
            [
                "drops when the screen turns off",
                "falls back to 2.4 GHz at home",
                "forgets saved networks",
            ],
            ["Wi-Fi 7 support", "a per-network data saver", "an easier hotspot toggle"],
        ),
        (
            "USB-C charging",
            "charging",
            [
                "charges slowly with third-party cables",
                "stops at 80% for no reason",
                "gets loose after a year",
            ],
            ["reverse charging for earbuds", "faster wireless charging", "a charging schedule"],
        ),
    ],  # fmt: skip
    "networking": [
        (
            "mesh",
            "mesh",
            [
                "nodes lose the backhaul every night",
                "hands my phone to the far node",
                "reboots after the update",
            ],
            ["wired backhaul between nodes", "a node placement helper", "per-room speed tests"],
        ),
        (
            "Wi-Fi",
            "wifi",
            ["drops every few hours", "is slow on the 5 GHz band", "disconnects smart plugs"],
            ["a separate IoT network", "band steering that can be switched off", "WPA3 for guests"],
        ),
        (
            "firmware update",
            "firmware",
            ["fails at 90%", "resets my port forwards", "reboots the network at noon"],
            ["an update window setting", "release notes in the app", "a rollback button"],
        ),
        (
            "parental controls",
            "parental-controls",
            ["block the wrong sites", "ignore the schedule on weekends", "reset after a reboot"],
            ["per-device bedtimes", "a pause button on the home screen", "weekly reports"],
        ),
        (
            "guest network",
            "guest-wifi",
            [
                "cannot reach the printer",
                "shows the main network's name",
                "kicks guests after an hour",
            ],
            ["a QR code for guests", "a time limit per guest", "a captive page with the rules"],
        ),
    ],  # fmt: skip
    "smart-speakers": [
        (
            "voice assistant",
            "voice",
            [
                "misses the wake word across the room",
                "answers from the wrong room",
                "mishears Chinese names",
            ],
            ["a local-only mode", "two languages at once", "a quieter confirmation chime"],
        ),
        (
            "stereo pairing",
            "sound",
            ["drifts out of sync", "loses the pair after an update", "plays only the left channel"],
            ["pairing across generations", "a room correction tool", "an adjustable crossover"],
        ),
        (
            "Bluetooth",
            "bluetooth",
            ["cuts out when the microwave runs", "pairs only one phone", "stutters at high volume"],
            ["multipoint pairing", "LDAC support", "an auto-off after streaming"],
        ),
        (
            "bass",
            "sound",
            ["booms at low volume", "rattles the fabric cover", "disappears when grouped"],
            ["a loudness setting", "a night mode", "an equaliser with more bands"],
        ),
    ],  # fmt: skip
    "pc-components": [
        (
            "fan noise",
            "noise",
            ["ramps up at idle", "clicks at low speed", "whines in the power supply"],
            ["zero-rpm mode at idle", "a fan curve in the firmware", "quieter 140 mm fans"],
        ),
        (
            "thermals",
            "thermals",
            ["hit 95 °C in games", "throttle after ten minutes", "rise with the glass panel on"],
            ["a mesh front panel", "a vertical GPU mount", "room for a 420 mm radiator"],
        ),
        (
            "graphics card",
            "gpu",
            ["coil whine above 200 fps", "black screens after sleep", "sags in the slot"],
            ["a support bracket in the box", "a dual-BIOS switch", "a shorter card"],
        ),
        (
            "cable management",
            "cables",
            [
                "has no room behind the tray",
                "blocks the top fans",
                "leaves the 12-pin cable too short",
            ],
            ["more tie-down points", "a longer 12-pin cable", "a sleeved cable kit"],
        ),
    ],  # fmt: skip
}

GENERIC_TAGS = ["firmware", "app", "documentation", "warranty", "sustainability", "accessibility"]

FIRMWARE = ["2.1.4", "2.2.0", "2.3.1", "3.0.0", "3.0.2", "3.1.0"]
OWNED_FOR = ["two weeks", "three months", "half a year", "a year", "eighteen months", "two years"]
# line slug → when a problem shows
WHEN = {
    "smartphones": ["every night", "only on battery", "after about an hour of use",
                    "right after a restart", "when it is cold outside", "a few times a day"],
    "networking": ["every night", "when many devices are connected", "after a few hours",
                   "right after a restart", "during video calls", "a few times a day"],
    "smart-speakers": ["at high volume", "every evening", "when grouped with other rooms",
                       "right after a restart", "a few times a day", "after an update"],
    "pc-components": ["under load", "at idle", "after an hour of gaming",
                      "right after a restart", "with the side panel on", "a few times a day"],
}  # fmt: skip
REASONS = [
    "it would save a trip to the repair shop",
    "most of the people I know keep their devices for years",
    "the previous generation could do it",
    "it is the one thing I miss from my old brand",
    "it would help people with poor eyesight",
    "it costs little and makes daily use easier",
]
CLOSINGS = [
    "Anyone else seeing this?",
    "Thanks for listening, and for asking us at all.",
    "Happy to test a beta if that helps.",
    "Vote if you want this too!",
    "I can send logs if someone from the team needs them.",
    "Curious what the designers think.",
]

TITLES = {
    "feedback": [
        "{Feature} {symptom} on my {p}",
        "{p}: the {feature} {symptom} since {fw}",
        "After the {fw} update the {feature} {symptom}",
        "Love the {p}, but the {feature} {symptom}",
    ],
    "suggestion": [
        "Add {wish} to the {p}",
        "Please give the next {p} {wish}",
        "{Wish} would make the {p} perfect",
        "Idea: {wish} for the {feature}",
    ],
    "question": [
        "Is it normal that the {feature} {symptom}?",
        "Does the {p} support {wish}?",
        "How do I stop the {feature} on my {p} when it {symptom}?",
        "Will the {p} get {wish} in an update?",
    ],
    "modification": [
        "{p} build: {wish} with catalog parts",
        "My {p} setup for better {feature}",
        "Fixing the {feature} on the {p} myself",
    ],
    "evaluation": [
        "Evaluation: {wish} for the next {p}",
        "Which {feature} should the next {p} have?",
    ],
}

INTROS = [
    "I have had my {p} for {owned} and use it every day.",
    "Long-time owner here: my {p} is {owned} old.",
    "Bought the {p} {owned} ago, mostly very happy with it.",
]
FEEDBACK_DETAILS = [
    "Since firmware **{fw}** the {feature} {symptom}. It happens {when}.",
    "The {feature} {symptom}, {when}. I reset it twice; no change.",
    "Since **{fw}** the {feature} {symptom}, {when}. My partner's unit does it too.",
]
STEPS = [
    "1. Charge to full and restart\n2. Use it normally for a day\n3. Watch the {feature}",
    "1. Update to {fw}\n2. Restore the settings from a backup\n3. Wait for the problem",
    "1. Factory reset\n2. Set it up as new, no backup\n3. It still happens {when}",
]
WISH_DETAILS = [
    "What I would like: **{wish}**. It matters because {reason}.",
    "Please consider {wish}: {reason}.",
    "{Wish} would fix this for good, and {reason}.",
]
QUESTION_DETAILS = [
    "The manual does not say, and support pointed me here.",
    "I searched the community first but only found older posts about the {feature}.",
    "Is this expected or should I open a support ticket?",
]
MOD_INTRO = [
    "Here is how I improved the {feature} of my {p} with parts from the catalog.",
    "My build for the {p}. Everything below is in the catalog; it took an afternoon.",
]
MOD_STEPS = [
    "## Steps\n\n1. Power down and unplug\n2. Swap the parts listed below\n3. Update to {fw}",
    "## How\n\n- Fit the parts in the order listed\n- Keep the old ones as spares\n- Test {when}",
]
EVALUATION_DETAILS = [
    "The design team is weighing **{wish}** for the next generation. Tell us how you would use "
    "it, and what you would give up for it.",
    "We are evaluating the {feature} of the next {p}. Vote if it matters to you and comment "
    "with your use case.",
]

COMMENTS = [
    "Same here, exactly the same behaviour.",
    "+1, this would make a real difference for me.",
    "I worked around it by restarting once a week, but a fix would be better.",
    "Thanks for the detailed write-up!",
    "Which firmware version are you on?",
    "Tried this build last weekend: works perfectly.",
    "Would love to see this in the next generation.",
    "Not sure I agree: I prefer it the way it is now.",
    "Same on my {p} with {fw}.",
    "Here the {feature} {symptom} too, {when}.",
    "**Workaround:** turning it off and on again in the settings helps for a day.",
    "I would pay extra for {wish}.",
    "Happened to me too, support replaced the unit under warranty.",
    "Has anyone tried this with the older generation?",
]
OFFICIAL_COMMENTS = [
    "Thanks for the report. We reproduced it and the team is looking into it.",
    "Good idea: we have shared it with the product designers.",
    "For now you can change this in *Settings → Advanced*; we are evaluating a better default.",
    "Firmware {fw} fixes this for most units; please tell us if it still happens.",
]
STATUS_MESSAGES = {
    "under_review": "The design team is looking at this idea now.",
    "planned": "We plan to build this. Thank you all for the support!",
    "adopted": "This idea made it into the product. Thank you for co-creating it!",
    "declined": "We will not do this for now: it conflicts with other goals. Thanks for the idea.",
    "duplicate": "Merged into an earlier post about the same idea.",
}
