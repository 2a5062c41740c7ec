#!/usr/bin/python3
"""hf_bert.py — tiny random BERT-family checkpoints in save_pretrained layout and their answers, for
test/models-bert.test.ts.

    /usr/bin/python3 scripts/golden/hf_bert.py   # writes test/golden/hf/{bert,bert-cls,roberta}/ and test/golden/hf/bert.json

transformers is not installed here, so the model below is plain PyTorch written from the documented
BERT architecture (Devlin et al. 2018; transformers' BertModel docs): embeddings word + position +
token type → LayerNorm; per layer: self-attention with the additive padding mask (1 - mask)·min,
dense → +residual → LayerNorm, dense → erf GELU → dense → +residual → LayerNorm; pooler
tanh(dense(h[:, 0])); BertForSequenceClassification: classifier(pooler). RoBERTa: position ids
padding_idx + cumsum(ids != pad)·(ids != pad), one token type. It runs in float64 (the float32 weights
widened), so the goldens are the exact answers of the float32 checkpoints. Names are the ones
save_pretrained writes. Weights have std 0.4 (well-separated outputs).
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

BERT = {'architectures': ['BertModel'], 'model_type': 'bert', 'vocab_size': 100, 'hidden_size': 32, 'num_hidden_layers': 2,
        'num_attention_heads': 4, 'intermediate_size': 64, 'hidden_act': 'gelu', 'hidden_dropout_prob': 0.1,
        'attention_probs_dropout_prob': 0.1, 'max_position_embeddings': 24, 'type_vocab_size': 2, 'initializer_range': 0.02,
        'layer_norm_eps': 1e-12, 'pad_token_id': 0, 'position_embedding_type': 'absolute', 'torch_dtype': 'float32'}
ROBERTA = dict(BERT, architectures=['RobertaModel'], model_type='roberta', hidden_size=16, num_attention_heads=2, intermediate_size=32,
               type_vocab_size=1, pad_token_id=1, bos_token_id=0, eos_token_id=2, layer_norm_eps=1e-5)
CLS = dict(BERT, architectures=['BertForSequenceClassification'], id2label={'0': 'neg', '1': 'neutral', '2': 'pos'},
           label2id={'neg': 0, 'neutral': 1, 'pos': 2})


def weights(c, g):
    d, inter = c['hidden_size'], c['intermediate_size']
    r = lambda *s: (torch.randn(*s, generator=g) * STD).float()
    lin = lambda p, i, o: {p + '.weight': r(o, i) * 2 / math.sqrt(i) / STD * 0.5, p + '.bias': r(o) / 4}
    ln = lambda p: {p + '.weight': 1 + r(c['hidden_size']) / 4, p + '.bias': r(c['hidden_size']) / 4}
    w = {'embeddings.word_embeddings.weight': r(c['vocab_size'], d), 'embeddings.position_embeddings.weight': r(c['max_position_embeddings'], d),
         'embeddings.token_type_embeddings.weight': r(c['type_vocab_size'], d), **ln('embeddings.LayerNorm')}
    for i in range(c['num_hidden_layers']):
        p = f'encoder.layer.{i}.'
        for n in ('query', 'key', 'value'):
            w.update(lin(p + 'attention.self.' + n, d, d))
        w.update(lin(p + 'attention.output.dense', d, d)); w.update(ln(p + 'attention.output.LayerNorm'))
        w.update(lin(p + 'intermediate.dense', d, inter))
        w.update(lin(p + 'output.dense', inter, d)); w.update(ln(p + 'output.LayerNorm'))
    w.update(lin('pooler.dense', d, d))
    return w


def encoder(c, w, ids, mask, types):
    """(last_hidden_state, pooler_output), float64; w's tensors may require grad."""
    B, L = ids.shape
    d, H = c['hidden_size'], c['num_attention_heads']
    hd, eps = d // H, c['layer_norm_eps']
    if c['model_type'] == 'roberta':
        real = (ids != c['pad_token_id']).long()
        pos = torch.cumsum(real, 1) * real + c['pad_token_id']
    else:
        pos = torch.arange(L).expand(B, L)
    ln = lambda x, p: torch.nn.functional.layer_norm(x, (d,), w[p + '.weight'], w[p + '.bias'], eps)
    lin = lambda x, p: x @ w[p + '.weight'].T + w[p + '.bias']
    x = w['embeddings.word_embeddings.weight'][ids] + w['embeddings.position_embeddings.weight'][pos] + w['embeddings.token_type_embeddings.weight'][types]
    x = ln(x, 'embeddings.LayerNorm')
    add_mask = (1.0 - mask.double())[:, None, None, :] * torch.finfo(torch.float32).min
    for i in range(c['num_hidden_layers']):
        p = f'encoder.layer.{i}.'
        q, k, v = (lin(x, p + 'attention.self.' + n).view(B, L, H, hd).transpose(1, 2) for n in ('query', 'key', 'value'))
        s = q @ k.transpose(-1, -2) / math.sqrt(hd) + add_mask
        a = (torch.softmax(s, -1) @ v).transpose(1, 2).reshape(B, L, d)
        x = ln(lin(a, p + 'attention.output.dense') + x, p + 'attention.output.LayerNorm')
        m = lin(x, p + 'intermediate.dense')
        m = 0.5 * m * (1 + torch.erf(m / math.sqrt(2)))  # exact GELU
        x = ln(lin(m, p + 'output.dense') + x, p + 'output.LayerNorm')
    return x, torch.tanh(lin(x[:, 0], 'pooler.dense'))


# ---- a WordPiece tokenizer.json (BERT uncased layout) and the ids its rules give -----------------------
SPECIAL = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']
WORDS = ['the', 'quick', 'brown', 'fox', 'jump', 'over', 'lazy', 'dog', 'hello', 'world', 'token', 'embed', 'sentence', 'model', 'tiny', 'a']
PIECES = ['##s', '##ed', '##ing', '##ding', '##er', '##ly', '##y', '##e', '##d', '##n']
PUNCT = ['!', ',', '.', '?']


def wordpiece_vocab():
    toks = SPECIAL + WORDS + PIECES + PUNCT + list('abcdefghijklmnopqrstuvwxyz') + ['##' + ch for ch in 'abcdefghijklmnopqrstuvwxyz']
    toks = toks[:100]
    return {t: i for i, t in enumerate(toks)}


def tokenizer_json(vocab):
    special = lambda t: {'id': vocab[t], 'content': t, 'single_word': False, 'lstrip': False, 'rstrip': False, 'normalized': False, 'special': True}
    return {
        'version': '1.0', 'truncation': None, 'padding': None, 'added_tokens': [special(t) for t in SPECIAL],
        'normalizer': {'type': 'BertNormalizer', 'clean_text': True, 'handle_chinese_chars': True, 'strip_accents': None, 'lowercase': True},
        'pre_tokenizer': {'type': 'BertPreTokenizer'},
        'post_processor': {'type': 'TemplateProcessing',
                           'single': [{'SpecialToken': {'id': '[CLS]', 'type_id': 0}}, {'Sequence': {'id': 'A', 'type_id': 0}}, {'SpecialToken': {'id': '[SEP]', 'type_id': 0}}],
                           'pair': [{'SpecialToken': {'id': '[CLS]', 'type_id': 0}}, {'Sequence': {'id': 'A', 'type_id': 0}}, {'SpecialToken': {'id': '[SEP]', 'type_id': 0}},
                                    {'Sequence': {'id': 'B', 'type_id': 1}}, {'SpecialToken': {'id': '[SEP]', 'type_id': 1}}],
                           'special_tokens': {t: {'id': t, 'ids': [vocab[t]], 'tokens': [t]} for t in ('[CLS]', '[SEP]')}},
        'decoder': {'type': 'WordPiece', 'prefix': '##', 'cleanup': True},
        'model': {'type': 'WordPiece', 'unk_token': '[UNK]', 'continuing_subword_prefix': '##', 'max_input_chars_per_word': 100, 'vocab': vocab},
    }


def wordpiece_ids(vocab, text):
    """BERT's rules, written out: lowercase, split on whitespace and punctuation, greedy longest-match-first pieces."""
    words, cur = [], ''
    for ch in text.lower():
        if ch.isspace() or ch in '!,.?':
            if cur: words.append(cur)
            cur = ''
            if not ch.isspace(): words.append(ch)
        else:
            cur += ch
    if cur: words.append(cur)
    ids = [vocab['[CLS]']]
    for wd in words:
        pieces, start = [], 0
        while start < len(wd):
            end = len(wd)
            while end > start and (('##' if start else '') + wd[start:end]) not in vocab:
                end -= 1
            if end == start:
                pieces = [vocab['[UNK]']]
                break
            pieces.append(vocab[('##' if start else '') + wd[start:end]])
            start = end
        ids += pieces
    return ids + [vocab['[SEP]']]


def save(name, c, w):
    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, 'config.json'), 'w') as f:
        json.dump(c, f, indent=2, sort_keys=True)
    write(os.path.join(d, 'model.safetensors'), {k: t.contiguous() for k, t in w.items()}, {'format': 'pt'})


def r6(t):
    return [round(v, 7) for v in t.reshape(-1).tolist()]


def main():
    golden = {}
    g = torch.Generator().manual_seed(2024)
    # a batch of 2: row 0 of 8 tokens, row 1 of 5 tokens padded to 8; sentence B from position 4 of row 0
    ids = torch.tensor([[2, 21, 7, 33, 3, 44, 12, 3], [2, 9, 60, 31, 3, 0, 0, 0]])
    mask = (ids != 0).long()
    types = torch.tensor([[0, 0, 0, 0, 0, 1, 1, 1], [0, 0, 0, 0, 0, 0, 0, 0]])
    w = weights(BERT, g)
    save('bert', BERT, w)
    w64 = {k: t.double() for k, t in w.items()}
    h, pooled = encoder(BERT, w64, ids, mask, types)
    golden['bert'] = {'input_ids': ids.tolist(), 'attention_mask': mask.tolist(), 'token_type_ids': types.tolist(),
                      'last_hidden_state': r6(h), 'pooler_output': r6(pooled), 'shape': list(h.shape)}
    # mean pooling (sentence-transformers): sum over real tokens / count, then L2 normalize
    mean = (h * mask[:, :, None]).sum(1) / mask.sum(1, keepdim=True).double()
    golden['bert']['mean_pooling'] = r6(mean)
    golden['bert']['mean_pooling_normalized'] = r6(mean / mean.norm(dim=1, keepdim=True))

    # BertForSequenceClassification: the same encoder under `bert.`, a classifier, a pretraining head to ignore
    cw = {f'bert.{k}': t for k, t in w.items()}
    cw['classifier.weight'] = (torch.randn(3, 32, generator=g) * STD).float()
    cw['classifier.bias'] = (torch.randn(3, generator=g) * 0.1).float()
    cw['cls.predictions.bias'] = torch.zeros(BERT['vocab_size'])  # a head BertForSequenceClassification does not have: ignored
    save('bert-cls', CLS, cw)
    p64 = {k: t.double().requires_grad_(True) for k, t in cw.items()}
    labels = torch.tensor([2, 0])
    _, pooled = encoder(BERT, {k[5:]: t for k, t in p64.items() if k.startswith('bert.')}, ids, mask, types)
    logits = pooled @ p64['classifier.weight'].T + p64['classifier.bias']
    loss = torch.nn.functional.cross_entropy(logits, labels)
    loss.backward()
    GRADS = ['classifier.weight', 'bert.pooler.dense.bias', 'bert.encoder.layer.0.attention.self.query.weight', 'bert.embeddings.LayerNorm.weight']
    golden['bert-cls'] = {'labels': labels.tolist(), 'logits': r6(logits.detach()), 'loss': loss.item(),
                          'grads': {k: r6(p64[k].grad) for k in GRADS}}
    # regression (num_labels 1 → MSE): a [1, 32] classifier given here, loaded by the test
    reg_w = (torch.randn(1, 32, generator=g) * STD).float()
    reg_b = (torch.randn(1, generator=g) * 0.1).float()
    target = torch.tensor([0.5, -1.25], dtype=torch.float64)
    with torch.no_grad():
        _, pooled = encoder(BERT, w64, ids, mask, types)
        reg = (pooled @ reg_w.double().T + reg_b.double()).reshape(-1)
    golden['bert-reg'] = {'weight': reg_w.reshape(-1).tolist(), 'bias': reg_b.tolist(), 'labels': target.tolist(),
                          'logits': r6(reg), 'loss': torch.mean((reg - target) ** 2).item()}

    # RoBERTa: pad id 1, position ids counted over non-pad tokens from padding_idx + 1, one token type
    rids = torch.tensor([[0, 21, 7, 33, 2, 44, 12, 2], [0, 9, 60, 31, 2, 1, 1, 1]])
    rmask = (rids != 1).long()
    rw = weights(ROBERTA, g)
    save('roberta', ROBERTA, rw)
    with torch.no_grad():
        h, pooled = encoder(ROBERTA, {k: t.double() for k, t in rw.items()}, rids, rmask, torch.zeros_like(rids))
    golden['roberta'] = {'input_ids': rids.tolist(), 'attention_mask': rmask.tolist(), 'last_hidden_state': r6(h), 'pooler_output': r6(pooled),
                         'shape': list(h.shape)}

    vocab = wordpiece_vocab()
    with open(os.path.join(OUT, 'bert', 'tokenizer.json'), 'w') as f:
        json.dump(tokenizer_json(vocab), f, indent=1)
    with open(os.path.join(OUT, 'bert', 'tokenizer_config.json'), 'w') as f:
        json.dump({'tokenizer_class': 'BertTokenizer', 'do_lower_case': True, 'unk_token': '[UNK]', 'sep_token': '[SEP]', 'pad_token': '[PAD]',
                   'cls_token': '[CLS]', 'mask_token': '[MASK]'}, f, indent=1)
    texts = ['The quick brown fox jumped over the lazy dog!', 'Hello, world. Tiny models embedding sentences?', 'A zebra quickly jumps']
    golden['bert']['tokenizer'] = {t: wordpiece_ids(vocab, t) for t in texts}
    with open(os.path.join(OUT, 'bert.json'), 'w') as f:
        json.dump(golden, f, separators=(',', ':'))
    print('bert:', sum(t.numel() for t in w.values()), 'parameters; roberta:', sum(t.numel() for t in rw.values()), '; loss', loss.item())


if __name__ == '__main__':
    main()
