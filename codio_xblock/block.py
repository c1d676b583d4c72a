"""The Codio Unit XBlock: what authors add in Studio and learners open in the LMS.

It never talks to the tool in-process: opening the unit starts an LTI 1.3 launch
(:mod:`.launch`) and the tool answers over HTTP, so any conformant tool works.
"""

import json
import logging
import math
import re

from django.utils import translation
from web_fragments.fragment import Fragment
from webob import Response
from xblock.completable import XBlockCompletionMode
from xblock.core import XBlock
from xblock.fields import Boolean, Dict, Float, Integer, Scope, String
from xblock.utils.resources import ResourceLoader
from xblock.utils.studio_editable import StudioEditableXBlockMixin
from xblock.validation import ValidationMessage

from . import adapter, conf, nrps
from .launch import check_tool_url, get_tool, start_launch, subject_for
from .lti1p3.claims import LaunchData
from .lti1p3.custom import CustomParameterError, parse_custom_parameters, substitute
from .lti1p3.deep_linking import MAX_LINE_ITEM_TEXT, MAX_SCORE_MAXIMUM, MAX_TEXT, UNIT_PARAMETER
from .lti1p3.exceptions import InvalidRequest, LtiPlatformError, gettext_noop
from .lti1p3.roles import lti_roles_for

log = logging.getLogger(__name__)
loader = ResourceLoader(__name__)

UNIT_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
# Custom parameters the block sets itself; an author may not override them.
RESERVED_CUSTOM = (UNIT_PARAMETER,)
MIN_HEIGHT, MAX_HEIGHT = 200, 3000


def _(text):
    """Mark field strings for extraction; Studio translates them when it renders."""
    return text


def _handler_response(response):
    """The headers of the platform's endpoints (codio_xblock/responses.py) on the block's
    own handler answers (launch and deep linking redirects, errors): never sniffed, never
    stored."""
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


@XBlock.needs("i18n")
@XBlock.wants("user")
class CodioUnitBlock(StudioEditableXBlockMixin, XBlock):
    """A Codio coding unit, launched over LTI 1.3."""

    display_name = String(
        display_name=_("Display name"),
        default=_("Codio Unit"),
        scope=Scope.settings,
    )
    tool = String(
        display_name=_("Tool"),
        help=_("The registered LTI 1.3 tool to launch (empty: the built-in bridge)."),
        default="",
        scope=Scope.settings,
        values_provider=lambda block: block.tool_choices(),
    )
    unit = String(
        display_name=_("Codio unit"),
        help=_(
            "Identifier of the Codio unit this component opens (sent as the custom parameter "
            "codio_unit). Empty for content a tool chose without one."
        ),
        default="",
        scope=Scope.settings,
    )
    launch_url = String(
        display_name=_("Launch URL"),
        help=_(
            "Where the tool opens this content (set when content is chosen in the tool); it "
            "must be on a host registered for the tool. Empty: the tool's registered launch URL."
        ),
        default="",
        scope=Scope.settings,
    )
    description = String(
        display_name=_("Description"),
        help=_("The content's description, from the tool (sent to it in the launch)."),
        default="",
        multiline_editor=True,
        scope=Scope.settings,
    )
    launch_mode = String(
        display_name=_("Launch mode"),
        help=_("Show the unit inside the page or open it in a new window."),
        default="iframe",
        values=[
            {"display_name": _("Inline (iframe)"), "value": "iframe"},
            {"display_name": _("New window"), "value": "window"},
        ],
        scope=Scope.settings,
    )
    iframe_height = Integer(
        display_name=_("Height (pixels)"),
        help=_("Height of the inline frame, between 200 and 3000."),
        default=700,
        scope=Scope.settings,
    )
    weight = Float(
        display_name=_("Weight"),
        help=_(
            "Points this unit is worth in the course grade. The tool's score is scaled to it: "
            "a unit graded 50% with weight 2 counts 1 of 2 points."
        ),
        default=1.0,
        scope=Scope.settings,
    )
    points_in_tool = Float(
        display_name=_("Points in Codio"),
        help=_(
            "The unit's points in Codio (the tool's scale, set when a unit is chosen). The "
            "course grade uses the weight above; empty: the weight."
        ),
        default=None,
        scope=Scope.settings,
    )
    line_item_label = String(
        display_name=_("Gradebook label"),
        help=_("The label of the unit's line item for the tool (empty: the display name)."),
        default="",
        scope=Scope.settings,
    )
    line_item_resource_id = String(
        display_name=_("Gradebook resource id"),
        help=_("The tool's resource id of the unit's line item (empty: the Codio unit)."),
        default="",
        scope=Scope.settings,
    )
    line_item_tag = String(
        display_name=_("Gradebook tag"),
        help=_("The tool's tag of the unit's line item (may be empty)."),
        default="",
        scope=Scope.settings,
    )
    has_score = Boolean(
        display_name=_("Scored"),
        help=_("Take the tool's score into the course grade."),
        default=True,
        scope=Scope.settings,
    )
    accept_grades_past_due = Boolean(
        display_name=_("Accept grades past the due date"),
        help=_("Record scores the tool sends after the due date (and grace period)."),
        default=True,
        scope=Scope.settings,
    )
    share_name = Boolean(
        display_name=_("Share the learner's name"),
        help=_("Send the learner's name to the tool."),
        default=False,
        scope=Scope.settings,
    )
    share_email = Boolean(
        display_name=_("Share the learner's email"),
        help=_("Send the learner's email to the tool (used to match existing accounts)."),
        default=False,
        scope=Scope.settings,
    )
    custom_parameters = String(
        display_name=_("Custom parameters"),
        help=_("One key=value per line, sent to the tool in the launch."),
        default="",
        multiline_editor=True,
        scope=Scope.settings,
    )
    # Set when content chosen in the tool (deep linking) is applied: such content may have
    # no Codio unit and no URL of its own (a generic tool's item, DL 2.0 3.1). Not edited.
    content_chosen = Boolean(default=False, scope=Scope.settings)
    # The custom parameters the applied choice added, key -> value: the next choice takes
    # back those the author left as they were, so nothing of the previous content stays.
    chosen_custom = Dict(default={}, scope=Scope.settings)

    editable_fields = (
        "display_name",
        "tool",
        "unit",
        "launch_url",
        "description",
        "launch_mode",
        "iframe_height",
        "weight",
        "points_in_tool",
        "line_item_label",
        "line_item_resource_id",
        "line_item_tag",
        "has_score",
        "accept_grades_past_due",
        "share_name",
        "share_email",
        "custom_parameters",
    )
    icon_class = "problem"
    # Completion (edx-completion): a scored unit is complete once its score is published
    # (completion/handlers.py scorable_block_completion, on the grades app's
    # PROBLEM_WEIGHTED_SCORE_CHANGED). has_custom_completion stays unset for now: with it
    # set, that handler would skip the block and the block would have to report progress
    # itself; a later issue does that for ungraded units.
    completion_mode = XBlockCompletionMode.COMPLETABLE
    # Studio renders author_view only when this is set; otherwise it renders student_view,
    # which would start a launch from the authoring tool (cms/djangoapps/contentstore/
    # views/preview.py).
    has_author_view = True
    # Staff viewing the course as a specific learner get student_view, which is then
    # read-only (a view of the learner's grade, never a launch): without this flag the LMS
    # shows "This type of component cannot be shown while viewing the course as a specific
    # student" (lms/djangoapps/courseware/masquerade.py filter_displayed_blocks).
    show_in_read_only_mode = True

    def max_score(self):
        """Raw points possible (Open edX's grades app weights them by ``weight``)."""
        return self.weight if self.has_score else None

    def _gettext(self, text):
        """Translate through the runtime's i18n service: in Open edX that is
        XBlockI18nService, which reads this package's own catalog (translations/<lang>/
        LC_MESSAGES/text.mo, or the OEP-58 one) before Django's, where edx-platform's own
        strings win."""
        return self.runtime.service(self, "i18n").gettext(text)

    def studio_view(self, context=None):
        """The Studio editor: StudioEditableXBlockMixin's fields and its JavaScript
        (xblock/utils/public/studio_edit.js, whose markup contract this template keeps),
        rendered from this package's template so every word goes through the block's own
        catalog (the stock template has untranslatable True/False/(Default) labels)."""
        fields = [self._make_field_info(name, self.fields[name]) for name in self.editable_fields]
        for field in fields:
            for option in field.get("values") or ():
                option["display_name"] = self._gettext(option["display_name"])
        from lti_bridge.protocol.origins import url_origin

        html = self._render(
            "codio_xblock/studio_edit.html",
            {
                "fields": fields,
                "deep_link_url": self.runtime.handler_url(self, "deep_link"),
                # the choice comes back from the LMS's origin; the editor applies it here
                "apply_choice_url": self.runtime.handler_url(self, "apply_choice"),
                "lms_origin": url_origin(conf.platform_issuer()),
                "usage_id": str(self.scope_ids.usage_id),
                "choice_pending": self._choice_pending(),
            },
        )
        frag = Fragment(html)
        frag.add_javascript(ResourceLoader("xblock.utils").load_unicode("public/studio_edit.js"))
        frag.add_javascript(loader.load_unicode("static/js/codio_choose_unit.js"))
        frag.initialize_js("StudioEditableXBlockMixin")
        return frag

    def tool_choices(self):
        """The Studio editor's choices: every enabled tool registration."""
        from .models import ToolRegistration

        choices = [{"display_name": self._gettext(_("Default tool")), "value": ""}]
        for tool in ToolRegistration.objects.enabled().order_by("name"):
            choices.append({"display_name": f"{tool.name} ({tool.slug})", "value": tool.slug})
        return choices

    # ---- validation (Studio editor and Studio's validation banner) ----

    def validate_field_data(self, validation, data):
        def error(text):
            validation.add(ValidationMessage(ValidationMessage.ERROR, text))

        tool_slug = (data.tool or "").strip() or conf.get("DEFAULT_TOOL")
        tool = None
        try:
            tool = get_tool(tool_slug)
        except LtiPlatformError:
            error(
                self._gettext(_("No enabled LTI tool is registered as '%(slug)s'."))
                % {"slug": tool_slug}
            )
        if data.unit and not UNIT_RE.match(data.unit):
            error(
                self._gettext(
                    _(
                        "Give the Codio unit identifier: letters, digits, '.', '_' or '-' "
                        "(at most 100)."
                    )
                )
            )
        elif not (data.unit or data.launch_url or data.content_chosen):
            error(
                self._gettext(
                    _(
                        "Give the Codio unit identifier or the launch URL, or choose the "
                        "content in the tool (Choose a unit)."
                    )
                )
            )
        if data.launch_url and tool is not None:
            try:
                check_tool_url(data.launch_url, tool)
            except LtiPlatformError as exc:
                error(exc.translated(self._gettext))
        self._validate_texts(error, data)
        if data.launch_mode not in ("iframe", "window"):
            error(self._gettext(_("Launch mode must be 'iframe' or 'window'.")))
        if not MIN_HEIGHT <= (data.iframe_height or 0) <= MAX_HEIGHT:
            error(self._gettext(_("Height must be between 200 and 3000 pixels.")))
        if data.weight is None or not math.isfinite(data.weight) or data.weight < 0:
            error(self._gettext(_("Weight must be zero or more.")))
        if data.points_in_tool is not None and not (
            math.isfinite(data.points_in_tool) and 0 < data.points_in_tool <= MAX_SCORE_MAXIMUM
        ):
            error(self._gettext(_("Points in Codio must be more than zero, or empty.")))
        try:
            parse_custom_parameters(data.custom_parameters, reserved=RESERVED_CUSTOM)
        except CustomParameterError as exc:
            error(
                self._gettext(_("Custom parameters, line %(line)s: %(message)s"))
                % {"line": exc.line, "message": exc.message}
            )

    def _validate_texts(self, error, data):
        """The description and the line item's texts, as a deep linking choice sets them."""
        if len(data.description or "") > MAX_TEXT:
            error(
                self._gettext(_("The description may have at most %(limit)s characters."))
                % {"limit": MAX_TEXT}
            )
        for name in ("line_item_label", "line_item_resource_id", "line_item_tag"):
            value = getattr(data, name) or ""
            if len(value) > MAX_LINE_ITEM_TEXT or any(ord(ch) < 32 for ch in value):
                error(
                    self._gettext(
                        _("'%(field)s' must be one line of at most %(limit)s characters.")
                    )
                    % {
                        "field": self._gettext(self.fields[name].display_name),
                        "limit": MAX_LINE_ITEM_TEXT,
                    }
                )

    @XBlock.handler
    def submit_studio_edits(self, request, suffix=""):
        """Save the Studio editor's values (StudioEditableXBlockMixin validates them), for the
        course team only: any user can call a block's handlers in the LMS."""
        if not adapter.get().can_author(self):
            return self._json_error(
                403, self._gettext(_("Only the course team may edit this unit."))
            )
        refusal = self._check_studio_values(request.body)
        if refusal:
            return self._json_error(400, refusal)
        return super().submit_studio_edits(request, suffix)

    def _json_error(self, status, message):
        """An error the Studio editor shows (studio_edit.js reads ``error``)."""
        return _handler_response(
            Response(
                json.dumps({"error": message}),
                status=status,
                content_type="application/json",
                charset="utf-8",
            )
        )

    def _check_studio_values(self, body):
        """Why the editor's request cannot be saved, or "": XBlock's mixin would answer a
        value of the wrong type (Points "ten") or a request without its parts with a 500."""
        try:
            data = json.loads(body or b"")
        except ValueError:
            return self._gettext(_("The editor sent a request that is not JSON."))
        if (
            not isinstance(data, dict)
            or not isinstance(data.get("values"), dict)
            or not isinstance(data.get("defaults", []), list)
        ):
            return self._gettext(_("The editor sent a malformed request."))
        kinds = {
            Float: _("'%(field)s' must be a number."),
            Integer: _("'%(field)s' must be a whole number."),
            Boolean: _("'%(field)s' must be true or false."),
            String: _("'%(field)s' must be text."),
        }
        for name, value in data["values"].items():
            field = self.fields.get(name) if name in self.editable_fields else None
            if field is None:
                continue
            label = self._gettext(field.display_name or name)
            try:
                if isinstance(field, Boolean) and not (
                    isinstance(value, bool)
                    or (isinstance(value, str) and value.lower() in ("true", "false"))
                ):
                    raise ValueError(value)  # from_json takes any other text as False
                if isinstance(field, Integer) and isinstance(value, float):
                    if not value.is_integer():
                        raise ValueError(value)  # from_json would drop the fraction
                parsed = field.from_json(value)
                if isinstance(parsed, float) and not math.isfinite(parsed):
                    raise ValueError(value)
            except (ValueError, TypeError, OverflowError):  # OverflowError: float(10**400)
                template = next(t for kind, t in kinds.items() if isinstance(field, kind))
                return self._gettext(template) % {"field": label}
        return ""

    @XBlock.handler
    def deep_link(self, request, suffix=""):
        """Studio's "Choose a unit": a deep linking request to the tool (Deep Linking 2.0),
        for the course team only; the tool's answer comes back to the platform's
        deep linking endpoint, which saves the choice into this block."""
        from . import deep_linking

        platform = adapter.get()
        if not platform.can_author(self):
            return self._error_response(
                403, self._gettext(_("Only the course team may edit this unit."))
            )
        user = platform.current_user(self)
        try:
            tool = get_tool((self.tool or "").strip() or conf.get("DEFAULT_TOOL"))
            course = platform.course_info(self)
            data = LaunchData(
                user_key=user.user_key,
                sub=subject_for(user.user_key),
                usage_id=str(self.scope_ids.usage_id),
                tool_slug=tool.slug,
                resource_link_title=self.display_name,
                context_id=course.id,
                context_label=course.label,
                context_title=course.title,
                roles=lti_roles_for(
                    platform.course_roles(user, course.id) | {"staff"},  # authors teach
                    is_global_staff=user.is_global_staff,
                    role_map=conf.get("ROLE_MAP"),
                ),
                target_link_uri=tool.deep_linking_url or tool.launch_url,
                locale=translation.get_language() or "en",
                document_target="window",
                message_type="LtiDeepLinkingRequest",
                deep_linking_settings=deep_linking.request_settings(
                    user_key=user.user_key,
                    usage_id=str(self.scope_ids.usage_id),
                    tool_slug=tool.slug,
                    title=self.display_name,
                    studio_origin=conf.studio_origin(request),
                ),
            )
            # answered by the LMS, which need not share Studio's cache or SECRET_KEY
            url = start_launch(data, from_studio=True)
        except LtiPlatformError as exc:
            return self._error_response(exc.http_status, exc.translated(self._gettext))
        return _handler_response(Response(status=302, location=url))

    def _choice_pending(self):
        """Whether the tool answered this author's "Choose a unit" for this block with a
        choice the editor has not applied yet (the editor applies it when it opens)."""
        from . import deep_linking

        platform = adapter.get()
        if not platform.can_author(self):
            return False
        user = platform.current_user(self)
        return deep_linking.pending_choice(user.user_key, str(self.scope_ids.usage_id)) is not None

    @XBlock.json_handler
    def apply_choice(self, data, suffix=""):
        """Studio's editor applies the unit the author chose in the tool (kept by the LMS's
        deep linking endpoint) to this block: in Studio that is the draft, which learners
        get when the author publishes. Returns the values, which the editor shows."""
        from xblock.exceptions import JsonHandlerError

        from . import deep_linking

        platform = adapter.get()
        if not (platform.writes_content(self) and platform.can_author(self)):
            raise JsonHandlerError(
                403, self._gettext(_("Only the course team may edit this unit."))
            )
        key = data.get("key", "") if isinstance(data, dict) else ""
        user = platform.current_user(self)
        values = {}

        def check(choice):
            values.update({k: v for k, v in choice.values.items() if k in self.editable_fields})
            pairs = choice.values.get("custom") or []
            if pairs or self.chosen_custom:  # the author's own parameters stay
                values["custom_parameters"] = self._merged_custom(pairs)

        choice = deep_linking.take_choice(
            user.user_key,
            str(self.scope_ids.usage_id),
            key if isinstance(key, str) else "",
            check=check,
        )
        if choice is None:
            raise JsonHandlerError(404, self._gettext(_("There is no chosen unit to apply.")))
        for name, value in values.items():
            setattr(self, name, value)
        self.content_chosen = True
        self.chosen_custom = {k: v for k, v in choice.values.get("custom") or []}
        self.save()
        answer = {"values": values}
        if deep_linking.launched_before(str(self.scope_ids.usage_id)):
            # the tool opens the new choice from the next launch on (ADR 0013): learners'
            # work on the earlier unit stays with their teachers, not with this component
            answer["warning"] = self._gettext(
                _(
                    "Learners have opened this component already. Once you publish, it opens "
                    "the new choice; their work and grades on the earlier unit stay in Codio, "
                    "where their teachers see them, and are no longer sent to the gradebook."
                )
            )
        return answer

    def _merged_custom(self, pairs):
        """The author's custom parameters with the tool's ``pairs`` merged in (the tool's
        keys win, the author's other lines stay). Refuses (the choice stays pending, the
        block unchanged) when the merge would make launches fail."""
        from xblock.exceptions import JsonHandlerError

        from . import deep_linking

        merged = deep_linking.merge_custom(
            deep_linking.withdraw_custom(self.custom_parameters, self.chosen_custom), pairs
        )
        try:
            parse_custom_parameters(merged, reserved=RESERVED_CUSTOM)
        except CustomParameterError as exc:
            try:
                parse_custom_parameters(self.custom_parameters, reserved=RESERVED_CUSTOM)
            except CustomParameterError:
                return merged  # already invalid: the editor names the author's own line
            raise JsonHandlerError(
                400,
                self._gettext(
                    _(
                        "The chosen content was not applied: with the tool's custom "
                        "parameters yours would not be valid (line %(line)s: %(message)s). "
                        "Remove some of yours, save, and choose again."
                    )
                )
                % {"line": exc.line, "message": exc.message},
            ) from exc
        return merged

    # ---- views ----

    def _render(self, template, context):
        return loader.render_django_template(
            "templates/" + template, context, i18n_service=self.runtime.service(self, "i18n")
        )

    def _grade(self):
        """The learner's score as the course grade counts it (weighted, as Open edX's grades
        app weights the stored raw score), as ("earned", "possible") text, or None."""
        platform = adapter.get()
        if not self.has_score or platform.is_studio(self):
            return None  # Studio keeps no learner grades (no courseware there)
        user = platform.current_user(self)
        if user is None:
            return None
        if user.learner_viewed is not None:  # staff viewing a learner: the learner's grade
            user = user.learner_viewed
        shown = platform.shown_grade(
            usage_id=str(self.scope_ids.usage_id), user_key=user.user_key, weight=self.weight
        )
        if shown is None:
            return None
        earned, possible = shown
        return f"{round(earned, 4):g}", f"{round(possible, 4):g}"

    def student_view(self, context=None):
        viewer = adapter.get().current_user(self)
        if viewer is not None and viewer.learner_viewed is not None:
            from .read_only import read_only_view

            return read_only_view(self, viewer.learner_viewed, self._grade())
        launch_url = self.runtime.handler_url(self, "launch")
        html = self._render(
            "codio_xblock/student_view.html",
            {
                "grade": self._grade(),
                "block": self,
                "launch_url": launch_url,
                "height": min(max(self.iframe_height or MIN_HEIGHT, MIN_HEIGHT), MAX_HEIGHT),
                "min_height": MIN_HEIGHT,  # the tool may fit the frame to its page
                "max_height": MAX_HEIGHT,  # (lti.frameResize) within these bounds
                "new_window": self.launch_mode == "window",
            },
        )
        frag = Fragment(html)
        frag.add_css(loader.load_unicode("static/css/codio_unit.css"))
        frag.add_javascript(loader.load_unicode("static/js/codio_unit.js"))
        frag.initialize_js("CodioUnitBlock")
        return frag

    def author_view(self, context=None):
        """Studio preview: describe the unit, never launch from the authoring tool."""
        html = self._render(
            "codio_xblock/author_view.html",
            {
                "block": self,
                "tool": (self.tool or conf.get("DEFAULT_TOOL")),
            },
        )
        return Fragment(html)

    # ---- launch ----

    def _launch_data(self, user):
        platform = adapter.get()
        course = platform.course_info(self)
        tool = get_tool((self.tool or "").strip() or conf.get("DEFAULT_TOOL"))
        custom = parse_custom_parameters(self.custom_parameters, reserved=RESERVED_CUSTOM)
        if self.unit:  # content a generic tool chose has none (DL 2.0: its url and custom)
            custom[UNIT_PARAMETER] = self.unit
        # Staff viewing the course as a learner launch as a Learner, under their own identity.
        roles = lti_roles_for(
            set() if user.masquerading else platform.course_roles(user, course.id),
            is_global_staff=user.is_global_staff and not user.masquerading,
            role_map=conf.get("ROLE_MAP"),
        )
        data = LaunchData(
            user_key=user.user_key,
            sub=subject_for(user.user_key),
            usage_id=str(self.scope_ids.usage_id),
            tool_slug=tool.slug,
            resource_link_title=self.display_name,
            context_id=course.id,
            context_label=course.label,
            context_title=course.title,
            roles=roles,
            target_link_uri=self._target_link_uri(tool),
            resource_link_description=self.description or "",
            locale=translation.get_language() or "en",
            document_target=self.launch_mode,
            return_url=platform.course_url(self),
            height=self.iframe_height if self.launch_mode == "iframe" else 0,
            custom=custom,
        )
        if self.has_score:
            data.ags_endpoint = self._ags_endpoint(tool, course, user)
        data.names_roles_service = (
            nrps.service_claim(
                tool,
                course,
                usage_id=data.usage_id,
                title=self.display_name or "",
                share_name=bool(self.share_name),
                share_email=bool(self.share_email),
            )
            or {}
        )
        if self.share_name:
            # Open edX keeps the name in UserProfile.name (the user service's full_name);
            # first and last names are usually empty: sent only when they exist.
            data.name = user.full_name
            data.given_name = user.given_name
            data.family_name = user.family_name
        if self.share_email and user.email:
            data.email = user.email
        data.custom = substitute(custom, self._substitution_variables(data, user))
        return data

    def _target_link_uri(self, tool):
        """Where the launch goes: the chosen content's URL, else the tool's launch URL. The
        URL is checked again at every launch: the tool's registration may have changed since
        it was chosen, and a launch never goes to a host not registered for the tool."""
        if not self.launch_url:
            return tool.launch_url
        try:
            return check_tool_url(self.launch_url, tool)
        except LtiPlatformError as exc:
            log.warning(
                "Launch URL of %s refused for %s: %s",
                self.scope_ids.usage_id,
                tool.slug,
                exc.description,
            )
            raise InvalidRequest(
                gettext_noop(
                    "This unit's launch URL is not registered for its tool any more; ask the "
                    "course team to choose the unit's content again."
                )
            ) from exc

    def _substitution_variables(self, data, user):
        """Values for LTI substitution variables in custom parameters (for instance
        ``student_number=$User.username`` gives the tool an LTI ID per learner). Personal
        values only when the block shares them."""
        variables = {
            "$User.id": data.sub,
            "$Context.id": data.context_id,
            "$Context.label": data.context_label,
            "$Context.title": data.context_title,
            "$ResourceLink.title": data.resource_link_title,
        }
        if self.share_name:
            variables.update(
                {
                    "$User.username": user.username,
                    "$Person.name.full": data.name,
                    "$Person.name.given": data.given_name,
                    "$Person.name.family": data.family_name,
                }
            )
        if self.share_email and user.email:
            variables["$Person.email.primary"] = user.email
        # A display preference, not an identity: sent whether or not the block shares names,
        # so the tool shows times in the learner's zone (the bridge reads custom "timezone").
        if user.time_zone:
            variables["$Person.address.timezone"] = user.time_zone
        return {name: value for name, value in variables.items() if value}

    def _ags_endpoint(self, tool, course, user):
        """The block's own line item (made on first launch, kept in step with the block:
        the deep linking choice's line item label, resource id and tag when it gave them),
        the course's line items container, and the record that this user was launched
        into the block (only they may be scored on its line item)."""
        from . import ags
        from .ags_views import line_item_url, line_items_url
        from .lti1p3.ags import endpoint_claim
        from .models import BlockLaunch, LineItem

        wanted = {
            "course_id": course.id,
            "label": (getattr(self, "line_item_label", "") or self.display_name or "")[:255],
            "score_maximum": self.points_in_tool or float(self.weight or 0) or 1.0,
            "resource_id": (getattr(self, "line_item_resource_id", "") or self.unit or "")[:255],
            "tag": (getattr(self, "line_item_tag", "") or "")[:255],
        }
        # Read, and written only when the block changed: update_or_create would lock the
        # unit's one row (SELECT ... FOR UPDATE) and rewrite it at every learner's launch.
        item, created = LineItem.objects.get_or_create(
            tool=tool, usage_id=str(self.scope_ids.usage_id), defaults=wanted
        )
        changed = {k: v for k, v in wanted.items() if getattr(item, k) != v}
        if not created and changed:
            LineItem.objects.filter(pk=item.pk).update(**changed)
            for name, value in changed.items():
                setattr(item, name, value)
        BlockLaunch.objects.get_or_create(line_item=item, user_key=user.user_key)
        return endpoint_claim(
            lineitems_url=line_items_url(ags.context_for(tool, course)),
            lineitem_url=line_item_url(item),
            scopes=tool.scope_list(),
        )

    def _error_response(self, status, message):
        html = self._render("codio_xblock/error.html", {"message": message, "code": ""})
        return _handler_response(
            Response(html, status=status, content_type="text/html", charset="utf-8")
        )

    @XBlock.handler
    def launch(self, request, suffix=""):
        """Start the launch: redirect the browser to the tool's OIDC login URL."""
        platform = adapter.get()
        if platform.is_studio(self):
            return self._error_response(
                409,
                self._gettext(
                    _("Codio units open in the LMS, not in Studio: preview the unit in the LMS.")
                ),
            )
        user = platform.current_user(self)
        if user is None:
            return self._error_response(
                403, self._gettext(_("Sign in to the course to open this unit."))
            )
        if user.learner_viewed is not None:
            return self._error_response(
                403,
                self._gettext(
                    _(
                        "This unit does not open while you view the course as a specific "
                        "learner: it would act as that learner. View the course as Staff to "
                        "open it."
                    )
                ),
            )
        try:
            url = start_launch(self._launch_data(user))
        except CustomParameterError:
            return self._error_response(
                400,
                self._gettext(
                    _("This unit's custom parameters are invalid; ask the course team to fix them.")
                ),
            )
        except LtiPlatformError as exc:
            log.warning("Launch of %s refused: %s", self.scope_ids.usage_id, exc.description)
            return self._error_response(exc.http_status, exc.translated(self._gettext))
        return _handler_response(Response(status=302, location=url))

    @staticmethod
    def workbench_scenarios():
        return [
            (
                "Codio Unit",
                """<codio_unit unit="hello-python" share_name="true"
                share_email="true" display_name="Hello, Python"/>""",
            ),
            (
                "Codio demo course",
                """<vertical_demo>
                <codio_unit unit="hello-python" display_name="Hello, Python"
                    share_name="true" share_email="true"
                    custom_parameters="student_id=$User.username&#10;timezone=$Person.address.timezone"/>
                <codio_unit unit="loops" display_name="Loops (anonymous)"
                    custom_parameters="timezone=$Person.address.timezone"/>
                <codio_unit unit="functions" display_name="Functions (new window)"
                    launch_mode="window" share_name="true" share_email="true"/>
            </vertical_demo>""",
            ),
            # the demo's Studio: a unit the author added and has never published
            (
                "Codio unit, never published",
                """<codio_unit unit="hello-python" display_name="New Codio unit"
                share_name="true" share_email="true"/>""",
            ),
        ]
