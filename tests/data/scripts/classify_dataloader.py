"""Cross-entropy classification of three points per class, batches from a DataLoader."""
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

features = torch.tensor([[0.0, 1.0], [0.2, 0.9], [0.1, 1.2], [1.0, 0.0], [0.9, 0.2], [1.1, -0.1]])
labels = torch.tensor([0, 0, 0, 1, 1, 1])
loader = DataLoader(TensorDataset(features, labels), batch_size=6, shuffle=False)

model = nn.Linear(2, 2)
with torch.no_grad():
    model.weight.copy_(torch.tensor([[0.1, -0.2], [-0.3, 0.2]]))
    model.bias.zero_()
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.5)

for epoch in range(20):
    for xb, yb in loader:
        logits = model(xb)
        loss = criterion(logits, yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
