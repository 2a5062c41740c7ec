#!/usr/bin/python3
"""hf_models.py — tiny random Hugging Face-layout checkpoints and their answers, for test/models.test.ts.

    /usr/bin/python3 scripts/golden/hf_models.py     # writes test/golden/hf/<name>/{config.json,model.safetensors}
                                                    # and test/golden/hf/golden.json

`transformers` is not packaged for Debian and PyPI is not reachable here, so the models below are
plain PyTorch that follow transformers' modeling_gpt2.py / modeling_llama.py / modeling_qwen2.py
line by line for the math (GPT-2's Conv1D [in, out] weights, gelu_new, tied head; Llama's RMSNorm in
float32, rotate_half rotary embeddings with rope_theta and the "llama3" rope_scaling, grouped-query
attention by repeat_kv, SwiGLU MLP; Qwen2's q/k/v biases) and write the parameter names and
config.json keys save_pretrained writes. The GPU host's check (scripts/gpu-check.sh, stage hf)
compares flintml with transformers itself.

Weights are drawn with a large std (0.4) so that the logits are well separated: greedy generation is
then a fair exact-match test (the script checks the top-2 margin of every greedy step).
"""
import json
import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors import write  # noqa: E402  (scripts/golden/safetensors.py: the spec writer)

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
OUT = os.path.join(ROOT, 'test', 'golden', 'hf')
STD = 0.4
GREEDY = 20


# ---- GPT-2 (modeling_gpt2.py) -------------------------------------------------------------------
def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


def gpt2_weights(c, g):
    d, v, p, inner = c['n_embd'], c['vocab_size'], c['n_positions'], c['n_inner'] or 4 * c['n_embd']
    w = {'transformer.wte.weight': torch.randn(v, d, generator=g) * STD,
         'transformer.wpe.weight': torch.randn(p, d, generator=g) * STD}
    for i in range(c['n_layer']):
        pre = f'transformer.h.{i}.'
        for ln in ('ln_1', 'ln_2'):
            w[pre + ln + '.weight'] = 1 + torch.randn(d, generator=g) * 0.1
            w[pre + ln + '.bias'] = torch.randn(d, generator=g) * 0.1
        # Conv1D: weight [in, out]
        for name, (i_, o_) in {'attn.c_attn': (d, 3 * d), 'attn.c_proj': (d, d), 'mlp.c_fc': (d, inner), 'mlp.c_proj': (inner, d)}.items():
            w[pre + name + '.weight'] = torch.randn(i_, o_, generator=g) * STD / math.sqrt(i_) * 2
            w[pre + name + '.bias'] = torch.randn(o_, generator=g) * 0.1
    w['transformer.ln_f.weight'] = 1 + torch.randn(d, generator=g) * 0.1
    w['transformer.ln_f.bias'] = torch.randn(d, generator=g) * 0.1
    return w


def gpt2_forward(c, w, ids):
    B, L = ids.shape
    d, H = c['n_embd'], c['n_head']
    hd = d // H
    eps = c['layer_norm_epsilon']
    h = w['transformer.wte.weight'][ids] + w['transformer.wpe.weight'][torch.arange(L)]
    mask = torch.tril(torch.ones(L, L, dtype=torch.bool))
    for i in range(c['n_layer']):
        p = f'transformer.h.{i}.'
        a = torch.nn.functional.layer_norm(h, (d,), w[p + 'ln_1.weight'], w[p + 'ln_1.bias'], eps)
        qkv = a @ w[p + 'attn.c_attn.weight'] + w[p + 'attn.c_attn.bias']
        q, k, v = (t.view(B, L, H, hd).transpose(1, 2) for t in qkv.split(d, dim=2))
        s = q @ k.transpose(-1, -2) / math.sqrt(hd)
        s = torch.where(mask, s, torch.tensor(torch.finfo(s.dtype).min))
        o = (torch.softmax(s, -1) @ v).transpose(1, 2).reshape(B, L, d)
        h = h + (o @ w[p + 'attn.c_proj.weight'] + w[p + 'attn.c_proj.bias'])
        m = torch.nn.functional.layer_norm(h, (d,), w[p + 'ln_2.weight'], w[p + 'ln_2.bias'], eps)
        m = gelu_new(m @ w[p + 'mlp.c_fc.weight'] + w[p + 'mlp.c_fc.bias']) @ w[p + 'mlp.c_proj.weight'] + w[p + 'mlp.c_proj.bias']
        h = h + m
    h = torch.nn.functional.layer_norm(h, (d,), w['transformer.ln_f.weight'], w['transformer.ln_f.bias'], eps)
    return h @ w['transformer.wte.weight'].T


# ---- Llama family (modeling_llama.py, modeling_qwen2.py) -----------------------------------------
def rope_inv_freq(c, seq_len):
    hd = c.get('head_dim') or c['hidden_size'] // c['num_attention_heads']
    base = c.get('rope_theta', 10000.0)
    rs = c.get('rope_scaling')
    if rs and rs.get('rope_type', rs.get('type')) == 'dynamic' and seq_len > c['max_position_embeddings']:
        # _compute_dynamic_ntk_parameters: the base grows with the sequence beyond max_position_embeddings
        factor, mx = rs['factor'], c['max_position_embeddings']
        base = base * ((factor * seq_len / mx) - (factor - 1)) ** (hd / (hd - 2))
    inv = 1.0 / (base ** (torch.arange(0, hd, 2, dtype=torch.int64).float() / hd))
    if rs and rs.get('rope_type', rs.get('type')) == 'llama3':  # _compute_llama3_parameters
        factor, lo, hi, old = rs['factor'], rs['low_freq_factor'], rs['high_freq_factor'], rs['original_max_position_embeddings']
        lo_wl, hi_wl = old / lo, old / hi
        wl = 2 * math.pi / inv
        inv_l = torch.where(wl > lo_wl, inv / factor, inv)
        smooth = (old / wl - lo) / (hi - lo)
        smoothed = (1 - smooth) * inv_l / factor + smooth * inv_l
        medium = ~(wl < hi_wl) * ~(wl > lo_wl)
        inv = torch.where(medium, smoothed, inv_l)
    elif rs and rs.get('rope_type', rs.get('type')) == 'linear':
        inv = inv / rs['factor']
    return inv


def rotate_half(x):
    x1, x2 = x[..., : x.shape[-1] // 2], x[..., x.shape[-1] // 2:]
    return torch.cat((-x2, x1), dim=-1)


def rms_norm(x, w, eps):
    var = x.float().pow(2).mean(-1, keepdim=True)
    return w * (x * torch.rsqrt(var + eps))


def llama_weights(c, g):
    d, v, inter = c['hidden_size'], c['vocab_size'], c['intermediate_size']
    H, KV = c['num_attention_heads'], c['num_key_value_heads']
    hd = c.get('head_dim') or d // H
    bias = c['model_type'] == 'qwen2' or c.get('attention_bias', False)
    w = {'model.embed_tokens.weight': torch.randn(v, d, generator=g) * STD}
    for i in range(c['num_hidden_layers']):
        p = f'model.layers.{i}.'
        for name, (o_, i_) in {'self_attn.q_proj': (H * hd, d), 'self_attn.k_proj': (KV * hd, d), 'self_attn.v_proj': (KV * hd, d),
                               'self_attn.o_proj': (d, H * hd), 'mlp.gate_proj': (inter, d), 'mlp.up_proj': (inter, d),
                               'mlp.down_proj': (d, inter)}.items():
            w[p + name + '.weight'] = torch.randn(o_, i_, generator=g) * STD / math.sqrt(i_) * 2  # nn.Linear: [out, in]
            if bias and name in ('self_attn.q_proj', 'self_attn.k_proj', 'self_attn.v_proj'):
                w[p + name + '.bias'] = torch.randn(o_, generator=g) * 0.1
        w[p + 'input_layernorm.weight'] = 1 + torch.randn(d, generator=g) * 0.1
        w[p + 'post_attention_layernorm.weight'] = 1 + torch.randn(d, generator=g) * 0.1
    w['model.norm.weight'] = 1 + torch.randn(d, generator=g) * 0.1
    if not c.get('tie_word_embeddings', False):
        w['lm_head.weight'] = torch.randn(v, d, generator=g) * STD
    return w


def llama_forward(c, w, ids):
    B, L = ids.shape
    d, H, KV = c['hidden_size'], c['num_attention_heads'], c['num_key_value_heads']
    hd = c.get('head_dim') or d // H
    eps = c['rms_norm_eps']
    inv = rope_inv_freq(c, L)
    pos = torch.arange(L).float()
    freqs = pos[:, None] * inv[None, :]
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos(), emb.sin()
    mask = torch.tril(torch.ones(L, L, dtype=torch.bool))
    h = w['model.embed_tokens.weight'][ids]
    for i in range(c['num_hidden_layers']):
        p = f'model.layers.{i}.'
        r = rms_norm(h, w[p + 'input_layernorm.weight'], eps)

        def proj(name, t):
            y = t @ w[p + name + '.weight'].T
            return y + w[p + name + '.bias'] if p + name + '.bias' in w else y
        q = proj('self_attn.q_proj', r).view(B, L, H, hd).transpose(1, 2)
        k = proj('self_attn.k_proj', r).view(B, L, KV, hd).transpose(1, 2)
        v = proj('self_attn.v_proj', r).view(B, L, KV, hd).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = k[:, :, None].expand(B, KV, H // KV, L, hd).reshape(B, H, L, hd)  # repeat_kv
        v = v[:, :, None].expand(B, KV, H // KV, L, hd).reshape(B, H, L, hd)
        s = q @ k.transpose(2, 3) / math.sqrt(hd)
        s = torch.where(mask, s, torch.tensor(torch.finfo(s.dtype).min))
        o = (torch.softmax(s.float(), -1) @ v).transpose(1, 2).reshape(B, L, H * hd)
        h = h + proj('self_attn.o_proj', o)
        r = rms_norm(h, w[p + 'post_attention_layernorm.weight'], eps)
        h = h + proj('mlp.down_proj', torch.nn.functional.silu(proj('mlp.gate_proj', r)) * proj('mlp.up_proj', r))
    h = rms_norm(h, w['model.norm.weight'], eps)
    head = w['lm_head.weight'] if 'lm_head.weight' in w else w['model.embed_tokens.weight']
    return h @ head.T


# ---- the checkpoints ----------------------------------------------------------------------------
GPT2 = {
    'activation_function': 'gelu_new', 'architectures': ['GPT2LMHeadModel'], 'bos_token_id': 0, 'eos_token_id': 0,
    'layer_norm_epsilon': 1e-05, 'model_type': 'gpt2', 'n_embd': 16, 'n_head': 4, 'n_inner': None, 'n_layer': 2,
    'n_positions': 32, 'vocab_size': 64, 'torch_dtype': 'float32',
}
LLAMA = {
    'architectures': ['LlamaForCausalLM'], 'model_type': 'llama', 'hidden_size': 16, 'intermediate_size': 32,
    'num_attention_heads': 4, 'num_key_value_heads': 2, 'num_hidden_layers': 2, 'vocab_size': 64, 'hidden_act': 'silu',
    'max_position_embeddings': 64, 'rms_norm_eps': 1e-06, 'rope_theta': 10000.0, 'rope_scaling': None,
    'tie_word_embeddings': False, 'attention_bias': False, 'mlp_bias': False, 'bos_token_id': 1, 'eos_token_id': 2,
    'torch_dtype': 'float32',
}
LLAMA3 = dict(LLAMA, hidden_size=24, num_attention_heads=3, num_key_value_heads=1, intermediate_size=16, tie_word_embeddings=True,
              rope_theta=500000.0, max_position_embeddings=2048,
              rope_scaling={'factor': 8.0, 'low_freq_factor': 1.0, 'high_freq_factor': 4.0,
                            'original_max_position_embeddings': 256, 'rope_type': 'llama3'})
QWEN2 = dict(LLAMA, architectures=['Qwen2ForCausalLM'], model_type='qwen2', tie_word_embeddings=True, num_key_value_heads=4,
             use_sliding_window=False, sliding_window=None, max_window_layers=2, rope_theta=1000000.0)
for k in ('attention_bias', 'mlp_bias'):
    QWEN2.pop(k)

MODELS = {'gpt2': (GPT2, gpt2_weights, gpt2_forward), 'llama': (LLAMA, llama_weights, llama_forward),
          'llama3': (LLAMA3, llama_weights, llama_forward), 'qwen2': (QWEN2, llama_weights, llama_forward)}


def greedy(c, fwd, w, prompt):
    """20 greedy tokens by full forwards (no cache): the reference for generate's cache."""
    ids = torch.tensor([prompt])
    margin = float('inf')
    for _ in range(GREEDY):
        last = fwd(c, w, ids)[0, -1]
        top = torch.topk(last, 2).values
        margin = min(margin, float(top[0] - top[1]))
        ids = torch.cat([ids, last.argmax().view(1, 1)], dim=1)
    return ids[0, len(prompt):].tolist(), margin


# ---- a tiny BPE tokenizer.json (the format the Rust `tokenizers` writes), for AutoTokenizer -------
# Metaspace pre-tokenizer and decoder (spaces become ▁, as SentencePiece-style Llama tokenizers),
# a BOS-adding template post-processor, 64 tokens: 3 specials, ▁, a-z, '.', and 33 merges.
MERGES = ['▁ t', 'h e', '▁t he', 'i n', '▁ a', 'e r', 'a n', 'o n', '▁ s', 'r e', '▁ w', 'a t', 'e n', 'n d', '▁ o', 'i s',
          '▁ c', 'o r', 'in g', '▁ b', 'e d', '▁ f', 'o u', '▁ m', '▁ p', 'i t', 'e s', '▁ d', 'a r', '▁ h', 'a l', 'l e', '▁ l']


def tokenizer_json():
    vocab = {'<unk>': 0, '<s>': 1, '</s>': 2, '▁': 3}
    for c in 'abcdefghijklmnopqrstuvwxyz.':
        vocab[c] = len(vocab)
    for m in MERGES:
        vocab[m.replace(' ', '')] = len(vocab)
    assert len(vocab) == 64, len(vocab)
    special = lambda i, t: {'id': i, 'content': t, 'single_word': False, 'lstrip': False, 'rstrip': False, 'normalized': False, 'special': True}
    meta = {'type': 'Metaspace', 'replacement': '▁', 'prepend_scheme': 'always', 'split': True}
    return {
        'version': '1.0', 'truncation': None, 'padding': None,
        'added_tokens': [special(0, '<unk>'), special(1, '<s>'), special(2, '</s>')],
        'normalizer': None, 'pre_tokenizer': meta, 'decoder': meta,
        'post_processor': {'type': 'TemplateProcessing',
                           'single': [{'SpecialToken': {'id': '<s>', 'type_id': 0}}, {'Sequence': {'id': 'A', 'type_id': 0}}],
                           'pair': [{'SpecialToken': {'id': '<s>', 'type_id': 0}}, {'Sequence': {'id': 'A', 'type_id': 0}},
                                    {'Sequence': {'id': 'B', 'type_id': 1}}],
                           'special_tokens': {'<s>': {'id': '<s>', 'ids': [1], 'tokens': ['<s>']}}},
        'model': {'type': 'BPE', 'dropout': None, 'unk_token': '<unk>', 'continuing_subword_prefix': None, 'end_of_word_suffix': None,
                  'fuse_unk': False, 'byte_fallback': False, 'ignore_merges': False, 'vocab': vocab, 'merges': MERGES},
    }


def main():
    golden = {}
    for name in ('gpt2', 'llama'):
        d = os.path.join(OUT, name)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, 'tokenizer.json'), 'w') as f:
            json.dump(tokenizer_json(), f, ensure_ascii=False, indent=1)
        with open(os.path.join(d, 'tokenizer_config.json'), 'w') as f:
            json.dump({'bos_token': '<s>', 'eos_token': '</s>', 'unk_token': '<unk>', 'tokenizer_class': 'PreTrainedTokenizerFast'}, f, indent=1)
    for seed, (name, (c, make, fwd)) in enumerate(MODELS.items()):
        g = torch.Generator().manual_seed(1000 + seed)
        w = make(c, g)
        d = os.path.join(OUT, name)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, 'config.json'), 'w') as f:
            json.dump(c, f, indent=2, sort_keys=True)
        write(os.path.join(d, 'model.safetensors'), {k: t.contiguous() for k, t in w.items()}, {'format': 'pt'})
        ids = torch.randint(0, c['vocab_size'], (2, 9), generator=g)
        with torch.no_grad():
            logits = fwd(c, w, ids)
            prompt = ids[0, :5].tolist()
            tokens, margin = greedy(c, fwd, w, prompt)
        assert margin > 1e-3, f'{name}: greedy top-2 margin {margin} too small for an exact-match test'
        golden[name] = {'input_ids': ids.tolist(), 'logits': [round(v, 6) for v in logits.reshape(-1).tolist()],
                        'shape': list(logits.shape), 'prompt': prompt, 'greedy': tokens, 'greedy_margin': margin}
        print(f'{name}: {sum(t.numel() for t in w.values())} parameters, greedy margin {margin:.4f}')
    # rope_scaling "linear" and "dynamic" with the llama checkpoint's weights: logits only (no new file)
    c, make, fwd = MODELS['llama']
    w = make(c, torch.Generator().manual_seed(1000 + list(MODELS).index('llama')))
    ids = torch.tensor(golden['llama']['input_ids'])
    for kind, rs, extra in (('linear', {'rope_type': 'linear', 'factor': 4.0}, {}),
                            ('dynamic', {'rope_type': 'dynamic', 'factor': 2.0}, {'max_position_embeddings': 4})):
        cv = dict(c, rope_scaling=rs, **extra)
        with torch.no_grad():
            logits = fwd(cv, w, ids)
        golden[f'llama-{kind}'] = {'config': {'rope_scaling': rs, **extra}, 'logits': [round(v, 6) for v in logits.reshape(-1).tolist()]}
    with open(os.path.join(OUT, 'golden.json'), 'w') as f:
        json.dump(golden, f, separators=(',', ':'))


if __name__ == '__main__':
    main()
