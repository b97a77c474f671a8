/** Starting points for a new provider: what each kind of endpoint needs, so that adding one is picking it and typing a key. */
import type { ProviderInput } from '../../common/control';

export interface ProviderPreset {
  id: string;
  label: string;
  /** The name the provider gets unless the user picks another. */
  name: string;
  provider: ProviderInput;
  /** Shown under the form: where the key comes from, what must be running. */
  hint: string;
}

export const PROVIDER_PRESETS: ProviderPreset[] = [
  { id: 'anthropic', label: 'Anthropic', name: 'anthropic', provider: { type: 'anthropic', api_key_env: 'ANTHROPIC_API_KEY', models: ['sonnet', 'opus', 'haiku'] }, hint: 'A key from console.anthropic.com.' },
  {
    id: 'openrouter',
    label: 'OpenRouter',
    name: 'openrouter',
    provider: {
      type: 'openai',
      base_url: 'https://openrouter.ai/api/v1',
      api_key_env: 'OPENROUTER_API_KEY',
      models: ['anthropic/claude-sonnet-4.5', 'qwen/qwen3-coder'],
      headers: { 'HTTP-Referer': 'https://github.com/helix-desktop/helix-desktop', 'X-Title': 'Helix Desktop' },
    },
    hint: 'A key from openrouter.ai/keys; Fetch models lists every model it offers.',
  },
  { id: 'openai', label: 'OpenAI', name: 'openai', provider: { type: 'openai', base_url: 'https://api.openai.com/v1', api_key_env: 'OPENAI_API_KEY', models: ['gpt-4.1', 'gpt-4o'] }, hint: 'A key from platform.openai.com.' },
  { id: 'deepseek', label: 'DeepSeek', name: 'deepseek', provider: { type: 'openai', base_url: 'https://api.deepseek.com/v1', api_key_env: 'DEEPSEEK_API_KEY', models: ['deepseek-chat', 'deepseek-reasoner'] }, hint: 'A key from platform.deepseek.com.' },
  { id: 'ollama', label: 'Ollama', name: 'ollama', provider: { type: 'openai', base_url: 'http://127.0.0.1:11434/v1', models: [] }, hint: 'Ollama running on this machine (ollama serve); no key. Fetch models lists what is pulled.' },
  { id: 'lmstudio', label: 'LM Studio', name: 'lmstudio', provider: { type: 'openai', base_url: 'http://127.0.0.1:1234/v1', models: [] }, hint: "LM Studio's local server started; no key." },
  { id: 'vllm', label: 'vLLM', name: 'vllm', provider: { type: 'openai', base_url: 'http://127.0.0.1:8000/v1', models: [] }, hint: 'vllm serve on this machine; a key only if it was started with --api-key.' },
  { id: 'custom', label: 'Any OpenAI-compatible URL', name: 'custom', provider: { type: 'openai', base_url: '', models: [] }, hint: 'The base URL ends where /chat/completions would follow, usually in /v1.' },
];
