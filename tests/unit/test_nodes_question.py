"""`question`: asks, waits, validates the reply by input type, saves it and follows `next` or `choice:<id>`."""

import pytest

from nodes.core import answers

from . import Chat, compile_doc, edge, flow, load_flow, node, texts

COLOURS = [{"id": "red", "label": "Red"}, {"id": "green", "label": "Light Green"}, {"id": "blue", "label": "Blue"}]


def ask(input_type: str, variables: dict | None = None, **data) -> Chat:
    """A chat with one question of this type; after a valid answer the bot says what it saved."""
    doc = flow(
        node("ask", "question", text="Your answer?", input_type=input_type, variable="answer", **data),
        node("saved", "message", text="Saved: {{ answer }}"),
    )
    chat = Chat(compile_doc(doc), variables)
    chat.start()
    return chat


def saved(input_type: str, reply: str, **data):
    """The value a reply is saved as, or None when the question asks again."""
    chat = ask(input_type, **data)
    result = chat.say(reply)
    if chat.state.waiting_node == "ask":
        assert texts(result) == [data.get("retry_text") or answers.DEFAULT_RETRY[input_type]]
        assert "answer" not in chat.variables
        return None
    assert chat.state.status == "ended"
    assert texts(result) == [f"Saved: {chat.variables['answer']}"]
    return chat.variables["answer"]


def test_the_prompt_is_sent_and_the_question_waits():
    chat = Chat(compile_doc(flow(node("ask", "question", text="What's your name?", variable="name"))))

    result = chat.start()

    assert result.messages[-1] == {"text": "What's your name?", "choices": None}
    assert result.awaiting == {"type": "text", "choices": None, "node_id": "ask"}
    assert chat.state.waiting_node == "ask"


@pytest.mark.parametrize(
    ("reply", "value"),
    [("Ada Lovelace", "Ada Lovelace"), ("  x ", "  x "), ("", None), ("   ", None), ("\n", None)],
)
def test_text(reply, value):
    assert saved("text", reply) == value


@pytest.mark.parametrize(
    ("reply", "value"),
    [
        ("42", 42),
        (" 42 ", 42),
        ("3.5", 3.5),
        ("3,5", 3.5),
        ("-2", -2),
        ("+7", 7),
        (".5", 0.5),
        ("1 000", 1000),
        ("1,000", 1000),  # an English thousands separator, not a decimal comma
        ("12,500,000", 12500000),
        ("1,000.5", 1000.5),
        ("abc", None),
        ("4 2 apples", None),
        ("1e5", None),
        ("", None),
        ("1" * 400, None),  # overflows to infinity, which JSON cannot store
    ],
)
def test_number(reply, value):
    result = saved("number", reply)
    assert result == value
    assert type(result) is type(value)


@pytest.mark.parametrize(
    ("reply", "value"),
    [
        ("ada@example.com", "ada@example.com"),
        (" Ada.Lovelace+bot@Example.CO.uk ", "ada.lovelace+bot@example.co.uk"),
        ("ada@example", None),
        ("ada example.com", None),
        ("@example.com", None),
        ("ada@@example.com", None),
        ("ada@-example.com", None),
    ],
)
def test_email(reply, value):
    assert saved("email", reply) == value


@pytest.mark.parametrize(
    ("reply", "value"),
    [
        ("+44 20 7946 0958", "+442079460958"),
        ("(020) 7946-0958", "02079460958"),
        ("555.123.4567", "5551234567"),
        ("12", None),
        ("123456", None),
        ("call me maybe", None),
        ("+1 234 567 890 123 456 789", None),
    ],
)
def test_phone(reply, value):
    assert saved("phone", reply) == value


@pytest.mark.parametrize(
    ("reply", "value"),
    [
        ("2026-03-31", "2026-03-31"),
        ("2026/03/31", "2026-03-31"),
        ("31/03/2026", "2026-03-31"),
        ("31.03.2026", "2026-03-31"),
        ("March 31, 2026", "2026-03-31"),
        ("Mar 31 2026", "2026-03-31"),
        ("31 March 2026", "2026-03-31"),
        ("  31   march   2026 ", "2026-03-31"),
        ("31st of never", None),
        ("2026-02-30", None),
        ("tomorrow", None),
    ],
)
def test_date(reply, value):
    assert saved("date", reply) == value


@pytest.mark.parametrize("input_type", ["text", "number", "email", "phone", "date"])
def test_an_invalid_answer_gets_the_default_retry_text_for_its_type(input_type):
    chat = ask(input_type)

    result = chat.say("   ")

    assert texts(result) == [answers.DEFAULT_RETRY[input_type]]
    assert result.awaiting == {"type": input_type, "choices": None, "node_id": "ask"}


def test_the_retry_text_is_a_template_and_the_question_can_be_answered_after_it():
    chat = ask("number", variables={"who": "Ada"}, retry_text="{{ who }}, digits please.")

    assert texts(chat.say("lots")) == ["Ada, digits please."]
    assert texts(chat.say("lots")) == ["Ada, digits please."]
    assert texts(chat.say("12")) == ["Saved: 12"]


def test_a_question_without_a_variable_accepts_and_saves_nothing():
    chat = Chat(compile_doc(flow(node("ask", "question", text="Ready?"), node("go", "message", text="Go!"))))
    chat.start()

    assert texts(chat.say("yes")) == ["Go!"]
    assert chat.variables == {}


# --- choice --------------------------------------------------------------------------------------------------------


def choose(**data) -> Chat:
    doc = flow(
        node("ask", "question", text="Pick a colour", input_type="choice", choices=COLOURS, variable="colour", **data),
        *[node(f"said_{c['id']}", "message", text=f"{c['id']}: {{{{ colour }}}}") for c in COLOURS],
        chain=False,
    )
    doc["edges"] = [edge("start", "ask")] + [edge("ask", f"said_{c['id']}", f"choice:{c['id']}") for c in COLOURS]
    chat = Chat(compile_doc(doc))
    chat.start()
    return chat


def test_the_choices_are_sent_with_the_prompt():
    chat = Chat(compile_doc(flow(node("ask", "question", text="Pick", input_type="choice", choices=COLOURS))))

    result = chat.start()

    assert result.messages == [{"text": "Pick", "choices": COLOURS}]
    assert result.awaiting == {"type": "choice", "choices": COLOURS, "node_id": "ask"}


@pytest.mark.parametrize(
    ("reply", "said"),
    [
        ("Red", "red: Red"),
        ("light green", "green: Light Green"),
        ("  LIGHT GREEN ", "green: Light Green"),
        ("green", "green: Light Green"),  # by id
        ("BLUE", "blue: Blue"),
        ("1", "red: Red"),  # by its number in the list, from 1
        ("3", "blue: Blue"),
    ],
)
def test_a_choice_is_matched_by_label_id_or_number_saves_the_label_and_follows_its_handle(reply, said):
    chat = choose()

    result = chat.say(reply)

    assert texts(result) == [said]
    assert chat.variables["colour"] == said.split(": ")[1]
    assert result.steps[0].handle == f"choice:{said.split(':')[0]}"


@pytest.mark.parametrize("reply", ["purple", "0", "4", "-1", "", "Re"])
def test_an_invalid_choice_reprompts_with_the_choices(reply):
    chat = choose()

    result = chat.say(reply)

    assert result.messages == [{"text": "Please pick one of the options.", "choices": COLOURS}]
    assert chat.state.waiting_node == "ask"
    assert "colour" not in chat.variables


def test_a_custom_retry_text_for_a_choice_also_carries_the_choices():
    chat = choose(retry_text="Pick a colour!")

    assert chat.say("purple").messages == [{"text": "Pick a colour!", "choices": COLOURS}]


def test_a_choice_question_has_one_handle_per_choice_and_one_for_no_answer():
    graph = load_flow("signup")
    ask_plan = graph.nodes["ask_plan"]

    assert ask_plan.type.handles(ask_plan.config) == ["choice:basic", "choice:pro", "timeout"]
    assert ask_plan.edges == {"choice:basic": "basic_msg", "choice:pro": "pro_msg"}
    assert graph.nodes["ask_name"].type.handles(graph.nodes["ask_name"].config) == ["next", "timeout"]


def test_a_choice_with_no_edge_ends_the_conversation():
    chat = Chat(compile_doc(flow(node("ask", "question", text="Pick", input_type="choice", choices=COLOURS))))
    chat.start()

    result = chat.say("red")

    assert result.messages == [] and chat.state.status == "ended"
