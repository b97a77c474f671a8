/**
 * A permission prompt as a person reads it: Bash as its command and folder, Write as the file and
 * its content, Edit as a diff; a path outside the working folder is flagged. Also the rule an
 * "allow always" answer adds (Claude Code's own rule syntax: `Bash(npm install)`, `Write`).
 */
import os from 'node:os';
import path from 'node:path';
import type { ApprovalQuestion } from '../../common/approval';

const MAX_DETAIL = 8000;

export interface ApprovalDescription {
  summary: string;
  detail: string;
  outsideWorkspace: boolean;
  rule: string;
  questions?: ApprovalQuestion[];
}

export function describeApproval(tool: string, input: Record<string, unknown>, cwd: string, blockedPath?: string): ApprovalDescription {
  const str = (key: string): string => (typeof input[key] === 'string' ? (input[key] as string) : '');
  const file = str('file_path') || str('notebook_path') || str('path');
  const touched = [file, blockedPath ?? ''].filter(Boolean);
  const outsideWorkspace = touched.some((p) => !inside(path.resolve(cwd, p), cwd));
  const where = home(cwd);
  switch (tool) {
    case 'Bash': {
      const command = str('command');
      return { summary: `Bash \`${firstLine(command)}\` in ${where}`, detail: clip(`$ ${command}\n(in ${cwd})`), outsideWorkspace, rule: `Bash(${command})` };
    }
    case 'AskUserQuestion': {
      const questions = questionsOf(input);
      const detail = questions.map((q) => `${q.question}\n${q.options.map((o) => `  - ${o}`).join('\n')}`).join('\n\n');
      return { summary: `Question: ${questions[0]?.question ?? ''}${questions.length > 1 ? ` (+${questions.length - 1} more)` : ''}`, detail: clip(detail), outsideWorkspace: false, rule: tool, questions };
    }
    case 'Write':
      return { summary: `Write ${shown(file, cwd)}`, detail: clip(`${file}\n${'-'.repeat(20)}\n${str('content')}`), outsideWorkspace, rule: 'Write' };
    case 'Edit':
    case 'MultiEdit': {
      const edits = Array.isArray(input.edits) ? (input.edits as Array<Record<string, unknown>>) : [{ old_string: input.old_string, new_string: input.new_string }];
      const diff = edits.map((e) => unifiedLines(String(e.old_string ?? ''), String(e.new_string ?? ''))).join('\n');
      return { summary: `${tool} ${shown(file, cwd)}`, detail: clip(`--- ${file}\n+++ ${file}\n${diff}`), outsideWorkspace, rule: tool };
    }
    default: {
      const json = JSON.stringify(input, null, 2);
      return { summary: file ? `${tool} ${shown(file, cwd)}` : tool, detail: clip(json), outsideWorkspace, rule: tool };
    }
  }
}

function questionsOf(input: Record<string, unknown>): ApprovalQuestion[] {
  const list = Array.isArray(input.questions) ? (input.questions as Array<Record<string, unknown>>) : [];
  return list
    .filter((q) => typeof q?.question === 'string')
    .map((q) => ({
      question: q.question as string,
      options: (Array.isArray(q.options) ? (q.options as Array<Record<string, unknown>>) : []).map((o) => (typeof o?.label === 'string' ? o.label : '')).filter(Boolean),
    }));
}

function unifiedLines(before: string, after: string): string {
  return [...before.split('\n').map((l) => `- ${l}`), ...after.split('\n').map((l) => `+ ${l}`)].join('\n');
}

function inside(file: string, dir: string): boolean {
  const rel = path.relative(dir, file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function shown(file: string, cwd: string): string {
  if (!file) return '';
  const absolute = path.resolve(cwd, file);
  return inside(absolute, cwd) ? path.relative(cwd, absolute) : `${home(absolute)} (outside the working folder)`;
}

function home(dir: string): string {
  const h = os.homedir();
  return h && (dir === h || dir.startsWith(`${h}${path.sep}`)) ? `~${dir.slice(h.length)}` : dir;
}

function firstLine(text: string): string {
  const line = text.trim().split('\n')[0] ?? '';
  const more = text.trim().includes('\n') ? ' …' : '';
  return line.length > 100 ? `${line.slice(0, 99)}…` : line + more;
}

function clip(text: string): string {
  return text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL)}\n… (${text.length - MAX_DETAIL} more characters)` : text;
}
