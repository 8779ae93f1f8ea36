// The open side panel (preview, share, versions or conversations), with the run's steps under the live ones.
import type { Conversation, NodeTypeInfo, PreviewReply, Problem } from "../../api/types";
import { ConversationsPanel } from "../../panels/ConversationsPanel";
import { PreviewPanel } from "../../panels/PreviewPanel";
import { SharePanel } from "../../panels/SharePanel";
import { TraceList } from "../../panels/TraceList";
import { VersionsPanel } from "../../panels/VersionsPanel";
import { SHARE_NEEDS } from "../access";
import type { TraceState } from "../trace";
import type { Panel } from "../usePanels";

interface Props {
  panel: Exclude<Panel, null>;
  onToggle: (panel: Panel) => void;
  flowId: number;
  slug: string;
  publishedVersion: number | null;
  versionsKey: number;
  canPublish: boolean;
  socketOpen: boolean;
  trace: TraceState;
  typeOf: (key: string) => NodeTypeInfo | undefined;
  replaying: string | null;
  startPreview: () => Promise<PreviewReply>;
  onReplay: (conversation: Conversation) => void;
  onStopReplay: () => void;
  onRestore: (number: number) => Promise<void>;
  onSelectProblem: (problem: Problem) => void;
  onSelectStep: (id: string) => void;
}

export function SidePanels(props: Props) {
  const { panel, onToggle, flowId, canPublish, trace } = props;
  return (
    <div className="side">
      {panel === "preview" ? (
        <PreviewPanel
          start={props.startPreview}
          onClose={() => onToggle("preview")}
          onSelectProblem={props.onSelectProblem}
          socketOk={props.socketOpen}
          streams={trace.streams}
        />
      ) : panel === "share" ? (
        <SharePanel
          flowId={flowId}
          slug={props.slug}
          publishedVersion={props.publishedVersion}
          onClose={() => onToggle("share")}
          changeRefused={canPublish ? null : SHARE_NEEDS}
        />
      ) : panel === "versions" ? (
        <VersionsPanel
          flowId={flowId}
          refreshKey={props.versionsKey}
          onRestore={props.onRestore}
          onClose={() => onToggle("versions")}
          restoreRefused={canPublish ? null : "Restoring needs the Publisher role"}
        />
      ) : (
        <ConversationsPanel
          flowId={flowId}
          replaying={props.replaying}
          onReplay={props.onReplay}
          onStop={props.onStopReplay}
          onClose={() => onToggle("conversations")}
        />
      )}
      {panel === "preview" || panel === "conversations" ? (
        <TraceList
          trace={trace}
          typeOf={props.typeOf}
          onSelect={props.onSelectStep}
          emptyText={panel === "preview" ? "The steps of this chat appear here as they run." : "Replay a conversation to see its steps."}
        />
      ) : null}
    </div>
  );
}
