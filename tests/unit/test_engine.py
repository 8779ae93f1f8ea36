"""The engine: a turn runs from where the conversation waits until a question, an end, a failure or the step limit."""

from flows.engine import ACTIVE, ENDED, FAILED, State, run_turn

from . import Chat, compile_doc, flow, load_flow, node, texts


def test_start_turn_runs_until_the_first_question_and_reports_what_it_awaits():
    chat = Chat(load_flow("signup"))

    result = chat.start()

    assert texts(result) == ["Welcome to Acme! Let's get you signed up.", "What's your name?"]
    assert result.awaiting == {"type": "text", "choices": None, "node_id": "ask_name"}
    assert not result.failed and result.error == ""
    assert result.state == State(ACTIVE, "ask_name", {})
    assert [s.node_id for s in result.steps] == ["start", "welcome", "ask_name"]


def test_answering_resumes_at_the_waiting_node_and_variables_persist_across_turns():
    chat = Chat(load_flow("signup"))
    chat.start()

    first = chat.say("Ada")
    assert texts(first) == ["How old are you, Ada?"]
    assert [s.node_id for s in first.steps] == ["ask_name", "ask_age"]
    assert chat.state.waiting_node == "ask_age"

    second = chat.say("36")
    assert texts(second) == ["Which plan would you like?"]
    assert second.messages[0]["choices"] == [{"id": "basic", "label": "Basic"}, {"id": "pro", "label": "Pro"}]
    assert second.awaiting == {
        "type": "choice",
        "choices": [{"id": "basic", "label": "Basic"}, {"id": "pro", "label": "Pro"}],
        "node_id": "ask_plan",
    }
    assert chat.variables == {"name": "Ada", "age": 36}


def test_end_node_ends_the_conversation_with_its_text():
    chat = Chat(load_flow("signup"))
    chat.begin("Ada", "36")

    result = chat.say("basic")

    assert texts(result) == ["Basic it is, Ada (36).", "Thanks, Ada! Goodbye."]
    assert result.state == State(ENDED, None, {"name": "Ada", "age": 36, "plan": "Basic"})
    assert result.awaiting is None and not result.failed
    assert result.steps[-1].node_type == "end" and result.steps[-1].handle is None


def test_a_node_with_nothing_wired_to_its_handle_ends_the_conversation():
    chat = Chat(load_flow("signup"))
    chat.begin("Ada", "36")

    result = chat.say("Pro")

    assert texts(result) == ["Pro it is. Our sales team will be in touch."]
    assert result.state.status == ENDED and result.state.waiting_node is None
    assert result.steps[-1].node_id == "pro_msg" and result.steps[-1].handle == "next"


def test_an_ended_conversation_takes_no_more_turns():
    chat = Chat(load_flow("signup"))
    chat.begin("Ada", "36", "Pro")

    result = chat.say("hello?")

    assert result.failed and "ended" in result.error
    assert result.messages == [] and result.steps == []
    assert result.state.status == ENDED


def test_an_invalid_answer_reprompts_with_retry_text_and_stays_at_the_same_node():
    chat = Chat(load_flow("signup"))
    chat.begin("Ada")

    result = chat.say("abc")

    assert texts(result) == ["Please give your age in years, Ada."]
    assert result.state.waiting_node == "ask_age"
    assert result.awaiting["node_id"] == "ask_age"
    assert "age" not in chat.variables
    (step,) = result.steps
    assert step.output["valid"] is False and step.output["answer"] == "abc" and step.output["waiting"] is True

    assert texts(chat.say("41")) == ["Which plan would you like?"]
    assert chat.variables["age"] == 41


def test_an_invalid_choice_reprompts_with_the_default_text_and_the_choices_again():
    chat = Chat(load_flow("signup"))
    chat.begin("Ada", "36")

    result = chat.say("Gold")

    assert result.messages == [
        {
            "text": "Please pick one of the options.",
            "choices": [{"id": "basic", "label": "Basic"}, {"id": "pro", "label": "Pro"}],
        }
    ]
    assert chat.state.waiting_node == "ask_plan"


def test_branches_through_a_condition_across_turns():
    chat = Chat(load_flow("support_desk"))
    assert texts(chat.start()) == ["Hi! I'm the support bot.", "What can I help with?"]
    assert texts(chat.say("1")) == ["What's the email on your account?"]
    assert texts(chat.say("not an email")) == ["That doesn't look like an email address. Please try again."]

    result = chat.say("Grace@Example.org")

    assert texts(result) == [
        "Ticket BILL-grace@example.org: we'll reply to grace@example.org within a day.",
        "Goodbye!",
    ]
    assert [(s.node_id, s.handle) for s in result.steps] == [
        ("ask_email", "next"),
        ("ticket", "next"),
        ("vip", "false"),
        ("std_msg", "next"),
        ("bye", None),
    ]
    assert chat.variables == {"topic": "Billing", "email": "grace@example.org", "ticket": "BILL-grace@example.org"}


def test_the_other_branch_of_the_same_flow():
    chat = Chat(load_flow("support_desk"))
    chat.begin("billing")

    result = chat.say("boss@acme.example")

    assert texts(result) == ["Ticket BILL-boss@acme.example: a human will call you shortly.", "Goodbye!"]


# --- the step limit ------------------------------------------------------------------------------------------------


def test_the_step_limit_stops_a_loop_sends_the_fallback_and_reverts_to_where_it_waited():
    chat = Chat(load_flow("counting_loop"), step_limit=50)
    assert texts(chat.start()) == ["Shall I start counting?"]
    before = chat.state

    result = chat.say("yes")

    assert result.failed
    assert "50 steps" in result.error and "loops" in result.error
    assert texts(result) == ["Sorry, I got stuck. Please try again."]
    assert len(result.steps) == 50
    assert all(s.status == "succeeded" for s in result.steps)
    # The conversation is where it was before the turn: same question, no half-done variables.
    assert result.state == before == State(ACTIVE, "ask", {})
    assert result.state.variables is not before.variables


def test_the_step_limit_on_the_start_turn_fails_the_conversation():
    doc = flow(
        node("bump", "set_variable", variable="n", value="{{ n }}1"),
        node("check", "condition", rules=[{"variable": "n", "operator": "is_empty"}]),
        edges=[{"id": "back", "source": "check", "sourceHandle": "false", "target": "bump"}],
    )
    result = run_turn(compile_doc(doc), State(), None, step_limit=10)

    assert result.failed and "10 steps" in result.error
    assert result.state.status == FAILED
    assert texts(result) == ["Sorry, something went wrong on our side. Please try again in a moment."]


# --- failing nodes -------------------------------------------------------------------------------------------------


def test_a_failing_node_follows_its_error_handle_when_wired():
    chat = Chat(load_flow("explode_wired"))

    result = chat.start()

    assert texts(result) == ["Let me look that up.", "I couldn't find it, sorry.", "Anything else?"]
    assert not result.failed
    boom = result.steps[2]
    assert (boom.node_id, boom.node_type, boom.status, boom.handle) == ("boom", "test_explode", "failed", "error")
    assert boom.error == "the test node failed on purpose"
    assert chat.state == State(ACTIVE, "more", {})


def test_a_failing_node_without_an_error_edge_sends_the_fallback_and_fails_the_start_turn():
    chat = Chat(load_flow("explode_at_start"))

    result = chat.start()

    assert texts(result) == ["Let me look that up.", "Something broke on our side."]
    assert result.failed
    assert result.error == "Explode (tests) (boom) failed: the test node failed on purpose"
    assert result.state == State(FAILED, None, {})
    assert (result.steps[-1].status, result.steps[-1].handle) == ("failed", None)


def test_a_failure_after_an_answer_reverts_to_the_question_without_the_turns_variables():
    chat = Chat(load_flow("explode_on_answer"), variables={"lang": "en"})
    chat.start()

    result = chat.say("opening hours")

    assert texts(result) == ["Looking up opening hours...", "Something broke on our side."]
    assert result.failed and "the test node failed on purpose" in result.error
    assert result.state == State(ACTIVE, "ask", {"lang": "en"})
    # It can be answered again.
    assert texts(chat.say("prices")) == ["Looking up prices...", "Something broke on our side."]


def test_a_template_error_at_run_time_fails_the_step():
    doc = flow(node("hi", "message", text="{{ name.upper(1, 2, 3) }}"))
    result = run_turn(compile_doc(doc), State(variables={"name": "ada"}), None)

    assert result.failed and "template error" in result.error
    assert result.steps[-1].status == "failed" and "template error" in result.steps[-1].error


# --- steps and the live trace --------------------------------------------------------------------------------------


def test_steps_carry_seq_node_status_duration_rendered_input_output_and_handle():
    chat = Chat(load_flow("signup"))
    chat.start()

    result = chat.say("Ada")

    answered, asked = result.steps
    assert (answered.seq, answered.node_id, answered.node_type) == (1, "ask_name", "question")
    assert answered.status == "succeeded"
    assert answered.input == {"text": "What's your name?", "retry_text": "", "answer": "Ada"}
    assert answered.output == {"messages": [], "variables": {"name": "Ada"}, "valid": True, "value": "Ada"}
    assert answered.handle == "next"
    assert (asked.seq, asked.node_id, asked.status, asked.handle) == (2, "ask_age", "succeeded", None)
    # Templates are rendered in the input the trace shows.
    assert asked.input == {"text": "How old are you, Ada?", "retry_text": "Please give your age in years, Ada."}
    assert asked.output == {
        "messages": [{"text": "How old are you, Ada?", "choices": None}],
        "variables": {},
        "waiting": True,
    }
    assert all(s.duration_ms >= 0 and s.started_at > 0 for s in result.steps)


def test_step_duration_is_measured():
    doc = flow(node("nap", "test_sleep", seconds=0.02), node("hi", "message", text="Awake."))
    result = run_turn(compile_doc(doc), State(), None)

    nap = result.steps[1]
    assert nap.node_type == "test_sleep" and 20 <= nap.duration_ms < 1000
    assert texts(result) == ["Awake."]


def test_a_condition_step_shows_each_rule_and_the_result():
    chat = Chat(load_flow("support_desk"))
    chat.begin("Billing")

    result = chat.say("vip@example.org")

    vip = next(s for s in result.steps if s.node_id == "vip")
    assert vip.input == {
        "rules": [
            {"variable": "email", "operator": "matches", "value": "@acme\\.example$"},
            {"variable": "email", "operator": "starts_with", "value": "vip"},
        ]
    }
    assert vip.output["rules"] == [False, True] and vip.output["result"] is True
    assert vip.handle == "true"


def test_on_step_is_called_with_started_then_finished_for_every_step():
    events = []

    def on_step(event, step):
        events.append((event, step.node_id, step.status))  # the status as it is at the time of the event

    chat = Chat(load_flow("explode_wired"), on_step=on_step)

    result = chat.start()

    expected = []
    for step in result.steps:
        expected += [("step.started", step.node_id, "running"), ("step.finished", step.node_id, step.status)]
    assert events == expected
    assert ("step.finished", "boom", "failed") in events
    assert len(events) == 2 * len(result.steps) == 10


def test_the_steps_passed_to_on_step_are_the_steps_returned():
    seen = []
    result = Chat(load_flow("signup"), on_step=lambda event, step: seen.append(step)).start()

    assert [id(s) for s in seen[1::2]] == [id(s) for s in result.steps]


def test_a_conversation_waiting_at_a_node_the_flow_no_longer_has_fails_without_running():
    result = run_turn(load_flow("signup"), State(ACTIVE, "deleted_node", {}), "hi")

    assert result.failed and "deleted_node" in result.error
    assert result.steps == [] and result.messages == []
