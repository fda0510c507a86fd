"""What the demo consultations ask and what their synthetic respondents say, one topic per consultation, so each
consultation's questions and answers are about its own subject. All text is invented.

A topic's themes are the points respondents make, in sentences analysts tag with that theme. `fits` names the
themes that answer a question sensibly (a question not named takes any theme); `doubts` are the reasons of those
who disagree with an agree-or-disagree question; `campaign` is the text a campaign asked its supporters to send.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from demo.factories.consultation import COVENANT_QUESTIONS, LONE_WORKING_QUESTIONS


@dataclass(frozen=True)
class Topic:
    questions: tuple
    themes: dict[str, list[str]]
    doubts: list[str]
    campaign: str
    fits: dict[str, list[str]] = field(default_factory=dict)
    # Questions for staff only (they start "If you work in ..."): members of the public leave them blank.
    staff_only: frozenset[str] = frozenset()

    def themes_for(self, question_text: str) -> list[str]:
        return self.fits.get(question_text, list(self.themes))


COVENANT = Topic(
    questions=COVENANT_QUESTIONS,
    themes={
        "Security and alarms": [
            "We need more security staff at night and personal alarms for community staff.",
            "Lone workers should all have personal alarms that actually connect to someone.",
            "Security staff on the ward at night would make a real difference.",
            "Body cameras and alarms help staff feel safer when visiting patients at home.",
        ],
        "Easier reporting": [
            "The reporting form is too long. Make it short and online so we can do it on a phone.",
            "Reporting takes too long after a shift, so most incidents never get reported.",
            "A simple online reporting form would help, with feedback on what happened next.",
            "Nobody tells us what happens after we report, so people stop reporting.",
        ],
        "Parity for social care": [
            "Care workers face the same abuse as NHS staff but get none of the same support.",
            "Social care staff should have the same protections and the same pay as NHS colleagues.",
            "Home care workers are alone in people's houses and need the same protection as nurses.",
        ],
        "Support after an incident": [
            "After I was assaulted nobody checked on me. There should be proper support and time off.",
            "Staff need counselling and a manager who follows up after violence at work.",
            "Debriefs after incidents should be routine, not something you have to ask for.",
        ],
        "Careers across sectors": [
            "Training records should move with you between the NHS and social care.",
            "Make it easier to move from a care home job to the NHS without repeating all the checks.",
            "A shared passport of skills would stop us doing the same mandatory training twice.",
        ],
    },
    doubts=[
        "A promise on paper changes nothing unless organisations are held to it.",
        "Small care providers will struggle to keep these commitments without extra funding.",
        "We already have policies on this; another document adds paperwork, not safety.",
    ],
    campaign=(
        "I support the NHS Covenant because every worker in health and social care deserves to be safe at work, "
        "to be treated fairly by their employer, and to be supported when things go wrong."
    ),
    fits={
        "What would make it easier to report violence or abuse?": [
            "Easier reporting",
            "Support after an incident",
        ],
        "Do you agree that organisations should share reports across health and social care?": [
            "Easier reporting",
            "Parity for social care",
        ],
        "What should change in how staff move between the NHS and social care?": [
            "Careers across sectors",
            "Parity for social care",
        ],
    },
)

LONE_WORKING = Topic(
    questions=LONE_WORKING_QUESTIONS,
    themes={
        "Alarms and check-ins": [
            "Every lone worker should have a personal alarm that reaches a real person, not a voicemail.",
            "A quick check-in on the phone at the start and end of each visit would make me feel much safer.",
            "Our alarms sit in a drawer at base because nobody was ever shown how to use them.",
            "The check-in app has to work without a signal, because half of our villages have none.",
        ],
        "Knowing the risks before a visit": [
            "We should be told before a visit if there is a history of aggression at the address.",
            "Risk flags should be shared between the GP, the trust and the care agency, not kept in one system.",
            "Too often we only find out about a dangerous dog or a violent relative when we arrive.",
        ],
        "When someone does not check in": [
            "If someone misses a check-in, a named person should ring them within 15 minutes.",
            "Escalation should go to a manager and then the police, on a timetable everyone knows.",
            "At night nobody notices a missed check-in until the next morning, and that has to change.",
            "The person monitoring check-ins needs the visit address and the car registration to hand.",
        ],
        "Parity for social care": [
            "Home care workers visit people alone more than anyone and get the least protection.",
            "Care agencies should get the same alarms and lone working policy as the community nursing team.",
            "Social care staff working alone at night deserve the same backup as NHS staff.",
        ],
        "Travel and parking": [
            "Walking back to the car in the dark after a late visit is when I feel most at risk.",
            "Safe, well-lit parking near patients' homes would help, and so would paid taxis for late calls.",
            "Staff without a car wait at bus stops at night after visits; employers should pay for taxis.",
        ],
    },
    doubts=[
        "An alarm is only as good as the person who answers it, and small employers cannot pay for that.",
        "I would rather the money went on sending two people to the visits we know are risky.",
        "Alarms give managers an excuse not to look at why staff are sent out alone in the first place.",
    ],
    campaign=(
        "Nobody should work alone without an alarm, a check-in and someone who comes looking for them. Protect "
        "lone workers in the NHS and in social care alike."
    ),
    fits={
        "What should happen when someone working alone does not check in on time?": [
            "When someone does not check in"
        ],
        LONE_WORKING_QUESTIONS[2][1]: [
            "Alarms and check-ins",
            "Knowing the risks before a visit",
            "Parity for social care",
            "Travel and parking",
        ],
    },
    staff_only=frozenset({LONE_WORKING_QUESTIONS[0][1]}),
)
