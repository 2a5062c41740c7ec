// models — pretrained models in Hugging Face's layout (`fl.models`): GPT-2 and the Llama family
// (Llama, Qwen2, Mistral) read from and written to save_pretrained folders, generation with a
// key/value cache, tokenizers from tokenizer.json, and BERT-family encoders (Bert for BertModel and
// RobertaModel, BertForSequenceClassification, meanPooling).
export { GPT2, Conv1D } from './gpt2';
export type { FromPretrainedOptions } from './gpt2';
export { Llama, LlamaDecoderLayer } from './llama';
export { CausalLM, KVCache } from './causal-lm';
export type { GenerateOptions, CausalLMForwardOptions } from './causal-lm';
export type { PretrainedConfig, SavePretrainedOptions } from './hub';
export { AutoTokenizer, Tokenizer } from './tokenizer';
export type { EncodeOptions, DecodeOptions } from './tokenizer';
export { Bert, BertForSequenceClassification, meanPooling } from './bert';
export type { BertInputs, BertOutput, BertOptions, SequenceClassificationInputs, SequenceClassifierOutput, MeanPoolingOptions } from './bert';
